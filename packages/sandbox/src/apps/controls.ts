import type { Lifetimes, TokenCallCounters } from '../oauth/tokens.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { backgroundOptions, buildFrame, postFrame } from './frames.ts';
import { AppControlError, finishInstall, installApp, uninstallApp } from './lifecycle.ts';
import { checkOvertime } from './overtime.ts';
import type { App, AppRegistration, FrameResult, Placement } from './types.ts';

export interface OpenFrameOptions {
  userId: number;
  /** 'DEFAULT' (the app page, or its installer for an admin before installFinish) or a placement code. */
  placement?: string;
  /** USER_PROFILE_TOOLBAR: the card's owner (PLACEMENT_OPTIONS.USER_ID). Default the viewer. */
  ownerId?: number;
  /** PLACEMENT_OPTIONS.URI: the page the frame loads on. Default `/stream/` or the card's path. */
  uri?: string;
  /** The app page's own PLACEMENT_OPTIONS (its GET parameters on a real portal). */
  options?: Record<string, string>;
}

/** Test controls over applications (README "Applications"); `/_sandbox/apps…` offers the same. */
export interface SandboxApps {
  register(registration: AppRegistration): App;
  /** An administrator adds the app (default user 1). */
  install(appId: number, options?: { userId?: number }): App;
  /** The installer's `installFinish`, headless (default user 1). */
  finishInstall(appId: number, options?: { userId?: number }): App;
  uninstall(appId: number, options?: { clean?: boolean }): App;
  get(appId: number): App | undefined;
  list(): App[];
  placements(appId?: number): Placement[];
  /**
   * What a browser does when the user opens a page with the frame: POST the form to the handler. A
   * PAGE_BACKGROUND_WORKER load over the budget counts towards its overtime rule.
   */
  openFrame(appId: number, options: OpenFrameOptions): Promise<FrameResult>;
  /** The background worker's time budget (5,000 ms; background-worker.md), for tests of the rule. */
  setFrameBudget(ms: number): void;
}

export interface SandboxOAuth {
  /** Lifetimes of tokens issued from now on (1 h / 180 d / 30 s by default). */
  setLifetimes(lifetimes: Partial<Lifetimes>): Lifetimes;
  /** Every access token of the user (or app) expires now; answers how many. */
  expireAccessTokens(filter?: { userId?: number; appId?: number }): number;
  /**
   * The user's access tokens expire the moment their next call of `method` arrives (a command of a
   * `batch` counts): "expired in the middle of a run", with no timing involved.
   */
  expireAccessTokensOnCall(filter: { userId: number; method: string }): void;
  /** Live refresh tokens answer `invalid_grant` from now on; answers how many. */
  revokeRefreshTokens(filter?: { userId?: number; appId?: number }): number;
  /** `/oauth/token/` requests: total, by grant, successful ones by user, refusals by error. */
  counters(): TokenCallCounters;
  resetCounters(): void;
  /** How many usable tokens a user (or everyone) holds, never the tokens. */
  tokenSummary(userId?: number): { liveAccess: number; liveRefresh: number };
}

function copy<T>(v: T): T {
  return structuredClone(v);
}

export function appControls(portal: SandboxRuntime): SandboxApps {
  return {
    register: (r) => copy(portal.apps.register(r)),
    install: (id, o = {}) => copy(installApp(portal, id, o.userId ?? 1)),
    finishInstall: (id, o = {}) => copy(finishInstall(portal, id, o.userId ?? 1)),
    uninstall: (id, o = {}) => copy(uninstallApp(portal, id, o.clean ?? false)),
    get: (id) => {
      const a = portal.apps.get(id);
      return a ? copy(a) : undefined;
    },
    list: () => [...portal.apps.apps.values()].map(copy),
    placements: (appId) =>
      [...portal.apps.placements.values()].filter((p) => appId === undefined || p.appId === appId).map(copy),
    openFrame: async (appId, o) => {
      const app = portal.apps.get(appId);
      if (!app) throw new AppControlError(`no application ${appId}`);
      const code = (o.placement ?? 'DEFAULT').toUpperCase();
      let options: Record<string, unknown> = { ...(o.options ?? {}) };
      let where: Parameters<typeof buildFrame>[3] = { placement: 'DEFAULT' };
      if (code !== 'DEFAULT') {
        const found = portal.apps.visiblePlacements(code, o.userId).find((v) => v.app.id === appId);
        if (!found) throw new AppControlError(`no ${code} of application ${appId} for user ${o.userId}`);
        where = { placement: found.placement };
        const owner = o.ownerId ?? o.userId;
        if (code === 'PAGE_BACKGROUND_WORKER') options = backgroundOptions(o.uri ?? '/stream/');
        else if (code === 'USER_PROFILE_TOOLBAR')
          options = { USER_ID: String(owner), URI: o.uri ?? `/company/personal/user/${owner}/` };
        else if (code === 'USER_PROFILE_MENU')
          options = { USER_ID: String(o.userId), URI: o.uri ?? '/stream/' };
      }
      const form = buildFrame(portal, app, o.userId, where, options);
      if ('refused' in form) throw new AppControlError(form.refused);
      const result = await postFrame(form);
      if (where.placement !== 'DEFAULT') checkOvertime(portal, where.placement, result);
      return result;
    },
    setFrameBudget: (ms) => {
      portal.apps.overtime.budgetMs = ms;
    },
  };
}

export function oauthControls(portal: SandboxRuntime): SandboxOAuth {
  return {
    setLifetimes: (l) => ({ ...portal.tokens.setLifetimes(l) }),
    expireAccessTokens: (f = {}) => portal.tokens.expireAccess(f),
    expireAccessTokensOnCall: (f) => portal.tokens.expireOnCall(f.userId, f.method),
    revokeRefreshTokens: (f = {}) => portal.tokens.revokeRefresh(f),
    counters: () => portal.tokens.callCounters(),
    resetCounters: () => portal.tokens.resetCounters(),
    tokenSummary: (userId) => portal.tokens.summary(userId),
  };
}

/** Makes a user an administrator or not (the portal's "Administrators" setting). */
export function setAdmin(portal: SandboxRuntime, userId: number, admin: boolean): void {
  const user = portal.state.user(userId);
  if (!user) throw new AppControlError(`no user ${userId}`);
  user.isAdmin = admin;
}
