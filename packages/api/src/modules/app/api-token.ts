import type { AppServices } from '../../app-services.ts';
import type { VerifiedFrame } from './verify-frame.ts';

export class FrameTokenError extends Error {
  override name = 'FrameTokenError';
}

/**
 * Our API token for the user a frame proved (verifyFrame): for the pages' hand-off to the extension and
 * the native pages. Only for the portal this installation serves; the token's roles are derived on every
 * request as for any user token (ADMIN from `profile`, re-checked within APP_ADMIN_RECHECK_SECONDS).
 */
export async function issueApiTokenForFrame(
  services: AppServices,
  frame: Pick<VerifiedFrame, 'portalId' | 'userId'>,
  label: string,
): Promise<string> {
  const portal = await services.portal.app?.portals.current();
  if (!portal || portal.id !== frame.portalId)
    throw new FrameTokenError('the frame comes from a portal this installation does not serve');
  const { token } = await services.tokens.issueUserToken(
    services.orm.em.fork(),
    frame.userId,
    label,
    frame.userId,
  );
  return token;
}
