/**
 * A Bitrix24 application as the portal keeps it: the local application form
 * (settings/app-installation/local-apps/index.md: handler path, initial installation path, "Uses API
 * only", scopes) plus the Market version card's "Installation event handler URL"
 * (settings/app-installation/installation-finish.md).
 */
export interface AppRegistration {
  /** `local.<hex>.<n>` when not given, as the local application form issues it. */
  clientId?: string;
  /** Random when not given. */
  clientSecret?: string;
  name?: string;
  /** "Your handler path": the app's page (placement DEFAULT), `/marketplace/app/<id>/`. */
  handlerUrl: string;
  /**
   * "Initial installation path": for an app with an interface, the installer shown in a frame to the
   * admin until `installFinish` (installation-master.md); for an API-only app, the callback that gets
   * the ONAPPINSTALL form right after the app is added (installation-callback.md).
   */
  installUrl?: string;
  /** "Uses API only" / "Script only (no user interface)". Default false. */
  apiOnly?: boolean;
  /**
   * Market's "Installation event handler URL": ONAPPINSTALL goes there when the installation completes,
   * without an `event.bind` (installation-finish.md). Local apps bind ONAPPINSTALL themselves.
   */
  installEventHandlerUrl?: string;
  /** Where `/oauth/authorize/` returns the user (settings/oauth/index.md); default `handlerUrl`. */
  redirectUri?: string;
  /** Scopes of the app card; default every scope the sandbox implements (`ALL_SCOPES`). */
  scope?: string[];
  version?: string;
}

/** `auth[status]` / `status`: L local, F free, D demo, T trial, P paid (on-app-install.md). */
export type AppStatus = 'L' | 'F' | 'D' | 'T' | 'P';

export interface App {
  /** Local id (`app.info` ID, `/marketplace/app/<id>/`). */
  id: number;
  clientId: string;
  clientSecret: string;
  name: string;
  code: string;
  handlerUrl: string;
  installUrl: string;
  apiOnly: boolean;
  installEventHandlerUrl: string;
  redirectUri: string;
  scope: string[];
  version: string;
  status: AppStatus;
  /** `auth[application_token]` of this app's events (frames do not carry it: widget_data.md). */
  applicationToken: string;
  /** Added to the portal (ACTIVE = Y). False before `install` and after `uninstall`. */
  active: boolean;
  /** app.info INSTALLED: the installer called installFinish (or there was no installer). */
  installed: boolean;
  /** The administrator who added it; ONAPPINSTALL carries their tokens. */
  installedBy: number | null;
}

/** One `placement.bind` (api-reference/widgets/placement-bind.md). */
export interface Placement {
  id: number;
  appId: number;
  placement: string;
  handler: string;
  title: string;
  description: string;
  groupName: string;
  /** 0: every user; otherwise only this user (PAGE_BACKGROUND_WORKER only). */
  userId: number;
  options: Record<string, string | number>;
  langAll: Record<string, { TITLE: string; DESCRIPTION: string; GROUP_NAME: string }>;
}

/** Safe view for tests: no secrets beyond what a test registered itself. */
export interface FrameResult {
  url: string;
  /** The form fields posted, as the browser would post them. */
  fields: Record<string, string>;
  status: number | null;
  error: string | null;
  body: string;
  durationMs: number;
}
