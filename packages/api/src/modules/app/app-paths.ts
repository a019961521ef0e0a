/** Our handlers, all under /bitrix24/app/ (PLAN15 shared decisions); the portal is given these URLs. */
export const APP_PATHS = {
  /** ONAPPINSTALL (form POST) and the install page frame (BX24.installFinish). */
  install: '/bitrix24/app/install',
  /** ONAPPUNINSTALL and other application events. */
  events: '/bitrix24/app/events',
  /** PAGE_BACKGROUND_WORKER: a hidden frame on every portal page of every user. */
  background: '/bitrix24/app/background',
  /**
   * `OPTIONS[errorHandlerUrl]` of the background worker: the portal calls it when it switched our
   * handler off for answering slowly (background-worker.md).
   */
  backgroundDisabled: '/bitrix24/app/background-disabled',
  /** The application's own page. */
  page: '/bitrix24/app/page',
  profileMenu: '/bitrix24/app/profile-menu',
  profileToolbar: '/bitrix24/app/profile-toolbar',
  /** The extension's sign-in through the app page. */
  handoff: '/bitrix24/app/handoff',
} as const;

/** Placements bound at install (widgets/placement-bind.md), with the handler each opens. */
export const APP_PLACEMENTS = [
  { placement: 'PAGE_BACKGROUND_WORKER', path: APP_PATHS.background, title: 'b24-gdpr' },
  { placement: 'USER_PROFILE_MENU', path: APP_PATHS.profileMenu, title: 'My personal data' },
  { placement: 'USER_PROFILE_TOOLBAR', path: APP_PATHS.profileToolbar, title: 'Personal data (GDPR)' },
] as const;

/** Scopes the application asks for (README: creating a local application). */
export const APP_SCOPES = ['user', 'im', 'log', 'task', 'calendar', 'disk', 'placement'] as const;
