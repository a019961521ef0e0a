import { createHash, randomBytes } from 'node:crypto';
import { OvertimeWatch } from './overtime.ts';
import { ALL_SCOPES } from './scopes.ts';
import type { App, AppRegistration, Placement } from './types.ts';

function hash(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

/**
 * Applications and their placements. Like webhooks they survive `reset()`: an API process holding
 * tokens keeps talking to the same applications after a test resets the content.
 */
export class AppStore {
  readonly apps = new Map<number, App>();
  readonly placements = new Map<number, Placement>();
  /** `appId:userId` of users whose frame sent `setInstall` (getInitData's FIRST_RUN turns false). */
  readonly firstRunDone = new Set<string>();
  /** Slow PAGE_BACKGROUND_WORKER loads per placement and day. */
  readonly overtime = new OvertimeWatch();
  private appSeq = 0;
  private placementSeq = 0;
  private readonly domain: string;
  private readonly seed: number;

  constructor(domain: string, seed: number) {
    this.domain = domain;
    this.seed = seed;
  }

  register(reg: AppRegistration): App {
    if (!/^https?:\/\//i.test(reg.handlerUrl)) throw new Error('handlerUrl must be an http(s) URL');
    const id = ++this.appSeq;
    // local.<13 hex>.<8 digits>: the shape the local application form gives (settings/oauth/index.md
    // shows `app.573ad8a0346747.09223434` for Market apps).
    const clientId =
      reg.clientId ??
      `local.${hash('client', this.domain, this.seed, id).slice(0, 14)}.${String(
        parseInt(hash('n', id).slice(0, 7), 16),
      )
        .padStart(8, '0')
        .slice(0, 8)}`;
    if (this.byClientId(clientId)) throw new Error(`client_id already registered: ${clientId}`);
    const app: App = {
      id,
      clientId,
      clientSecret: reg.clientSecret ?? randomBytes(25).toString('base64url'),
      name: reg.name ?? 'Application',
      code: clientId,
      handlerUrl: reg.handlerUrl,
      installUrl: reg.installUrl ?? '',
      apiOnly: reg.apiOnly ?? false,
      installEventHandlerUrl: reg.installEventHandlerUrl ?? '',
      redirectUri: reg.redirectUri ?? reg.handlerUrl,
      scope: [...(reg.scope ?? ALL_SCOPES)],
      version: reg.version ?? '1',
      status: 'L',
      applicationToken: hash('application-token', this.domain, this.seed, clientId).slice(0, 32),
      active: false,
      installed: false,
      installedBy: null,
    };
    this.apps.set(id, app);
    return app;
  }

  get(id: number): App | undefined {
    return this.apps.get(id);
  }

  byClientId(clientId: string): App | undefined {
    for (const a of this.apps.values()) if (a.clientId === clientId) return a;
    return undefined;
  }

  addPlacement(p: Omit<Placement, 'id'>): Placement {
    const placement = { ...p, id: ++this.placementSeq };
    this.placements.set(placement.id, placement);
    return placement;
  }

  placementsOf(appId: number): Placement[] {
    return [...this.placements.values()].filter((p) => p.appId === appId);
  }

  /**
   * What a user sees of a placement: only installed apps' widgets show (placement-bind.md: "Until the
   * application installation is complete, the registered widgets are not displayed"), and a widget
   * bound with USER_ID only to that user.
   */
  visiblePlacements(code: string, userId: number): { app: App; placement: Placement }[] {
    const out: { app: App; placement: Placement }[] = [];
    for (const p of this.placements.values()) {
      if (p.placement !== code) continue;
      if (p.userId !== 0 && p.userId !== userId) continue;
      const app = this.apps.get(p.appId);
      if (app?.active && app.installed) out.push({ app, placement: p });
    }
    return out;
  }

  removePlacementsOf(appId: number): void {
    for (const [k, p] of this.placements) if (p.appId === appId) this.placements.delete(k);
  }
}
