import type { EntityManager } from '@mikro-orm/core';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { Dismissal } from './dismissal.entity.ts';
import type { RequestService } from './request.service.ts';

const DAY_MS = 86_400_000;

/** The optional policy: anonymise dismissed employees N days after we first saw them inactive. */
export class DismissedService {
  readonly #directory: PortalDirectory;
  readonly #settings: SettingsService;
  readonly #requests: RequestService;

  constructor(directory: PortalDirectory, settings: SettingsService, requests: RequestService) {
    this.#directory = directory;
    this.#settings = settings;
    this.#requests = requests;
  }

  /** Records who is dismissed now; starts due anonymisations when the policy is on. Returns requests started. */
  async runPolicy(em: EntityManager, now = new Date()): Promise<number> {
    const inactive = new Set<number>();
    for (let afterId = 0, more = true; more; ) {
      const page = await this.#directory.listUsers({ active: false, afterId, limit: 50 });
      for (const user of page.users) inactive.add(user.id);
      more = page.hasMore && page.users.length > 0;
      afterId = page.users.at(-1)?.id ?? afterId;
    }
    const known = new Map((await em.find(Dismissal, {})).map((d) => [d.userId, d]));
    for (const id of inactive)
      if (!known.has(id)) known.set(id, em.create(Dismissal, { userId: id, firstSeenInactiveAt: now }));
    for (const [id, record] of known) if (!inactive.has(id)) em.remove(record);
    await em.flush();

    const { settings } = await this.#settings.get(em);
    if (!settings.dismissedAutoAnonymise.enabled || !settings.anonymisationEnabled) return 0;
    const cutoff = now.getTime() - settings.dismissedAutoAnonymise.afterDays * DAY_MS;
    let started = 0;
    for (const record of known.values()) {
      if (record.requestId || !inactive.has(record.userId) || record.firstSeenInactiveAt.getTime() > cutoff)
        continue;
      const request = await this.#requests.requestBySystem(em, record.userId);
      if (request) {
        record.requestId = request.id;
        started++;
      }
    }
    await em.flush();
    return started;
  }
}
