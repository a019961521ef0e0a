/**
 * What the application mode (modules/app, `verifyFrame`) tells the native pages about a frame POST
 * from Bitrix24: the portal and application token checked against an installed portal, the user's
 * token stored, and `profile` asked with it.
 */
export interface VerifiedFrame {
  /** app_portal.id */
  portalId: string;
  /** `https://<domain>` of that portal: the only origin that may frame the page and talk to it. */
  portalOrigin: string;
  userId: number;
  isAdmin: boolean;
  /** The frame's LANG (query string). */
  lang: string;
  placement: string;
  placementOptions: Record<string, unknown>;
}

export type FrameVerification =
  | { ok: true; frame: VerifiedFrame }
  | { ok: false; status: 400 | 401 | 403 | 404 | 503; message: string };

export type FrameVerifier = (request: Request) => Promise<FrameVerification>;

/** Webhook mode: no application is installed, so no frame can be verified. */
export const noFrames: FrameVerifier = async () => ({
  ok: false,
  status: 404,
  message: 'This b24-gdpr API runs in webhook mode: it has no Bitrix24 application pages.',
});
