import type { EntityManager } from '@mikro-orm/core';
import { NotFoundError } from '../../errors.ts';
import type { Principal } from '../identity/roles.ts';
import type { PortalDirectory, PortalUserSummary } from '../portal/portal-directory.ts';
import type { SettingsService, StoredSettings } from '../settings/settings.service.ts';
import { type Decision, decide, type PolicyAction, type PolicyActor } from './policy.ts';
import type { EffectiveRights, RightsService } from './rights.service.ts';

export interface DecisionContext {
  decision: Decision;
  subject: PortalUserSummary & { isAdmin: boolean };
  rights: EffectiveRights;
  settings: StoredSettings;
}

/** Gathers what the pure policy needs (portal facts, rights, settings) and asks it. */
export class Decisions {
  readonly #directory: PortalDirectory;
  readonly #settings: SettingsService;
  readonly #rights: RightsService;

  constructor(directory: PortalDirectory, settings: SettingsService, rights: RightsService) {
    this.#directory = directory;
    this.#settings = settings;
    this.#rights = rights;
  }

  async decide(
    em: EntityManager,
    actor: PolicyActor,
    action: PolicyAction,
    subjectUserId: number,
  ): Promise<DecisionContext> {
    const user = await this.#directory.getUser(subjectUserId);
    if (user?.userType !== 'employee') throw new NotFoundError('User', String(subjectUserId));
    const [isAdmin, settings] = await Promise.all([
      this.#directory.isAdmin(subjectUserId),
      this.#settings.get(em),
    ]);
    const rights = (await this.#rights.rightsOf(em, [subjectUserId], settings.settings)).get(subjectUserId)!;
    const decision = decide({
      actor,
      action,
      subject: { userId: subjectUserId, active: user.active, isAdmin, rights },
      switches: settings.settings,
    });
    return { decision, subject: { ...user, isAdmin }, rights, settings };
  }
}

export function actorOf(principal: Principal): PolicyActor | null {
  if (principal.kind === 'user') {
    return {
      kind: 'user',
      userId: principal.userId,
      isAdmin: principal.roles.has('ADMIN'),
      isAuditor: principal.roles.has('AUDITOR'),
    };
  }
  if (principal.kind === 'integrator') return { kind: 'integrator', scopes: principal.scopes };
  return null;
}
