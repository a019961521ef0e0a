import type { AppServices } from '../../../app-services.ts';
import type { PortalConnection } from '../../portal/connect.ts';
import type { RequestType } from '../data-subject-request.entity.ts';
import { NotAdministratorError } from '../erasure/errors.ts';
import type { ErasurePlan } from '../erasure/plan.ts';
import { previewErasure } from '../erasure/preview.ts';
import type { RequestHandler } from '../runner/request-runner.ts';
import { subjectTokenDied } from '../subject-credentials.ts';
import { anonymiseHandler } from './anonymise.handler.ts';
import { eraseHandler } from './erase.handler.ts';
import { exportHandler } from './export.handler.ts';

/** One handler per request type. */
export function createRequestHandlers(
  services: Omit<AppServices, 'runner'>,
): Record<RequestType, RequestHandler> {
  const learnSubject = withSubjectCredentials(services.portal);
  return {
    EXPORT: learnSubject(exportHandler(services)),
    ANONYMISE: learnSubject(anonymiseHandler(services)),
    ERASE: learnSubject(eraseHandler(services)),
  };
}

/**
 * The handlers act as the subject through `portal.asUser`, which knows only the users this process has
 * met; on a sandbox attached from another process the subject may be newer than that, so their
 * credentials are looked up before the handler runs.
 */
function withSubjectCredentials(portal: PortalConnection) {
  return (handler: RequestHandler): RequestHandler =>
    async (ctx) => {
      const remembered = (ctx.request.checkpoint as { subjectUserId?: number }).subjectUserId;
      const subjectUserId = remembered ?? ctx.request.subjectUserId;
      if (subjectUserId) await portal.credentialsFor(subjectUserId);
      return handler(ctx);
    };
}

/** What erasing this subject would do, read from the portal now. */
export async function computeErasurePlan(
  portal: PortalConnection,
  subjectUserId: number,
): Promise<ErasurePlan> {
  const credentials = await portal.credentialStatus(subjectUserId);
  const asSubject = credentials.state === 'usable' ? await portal.credentialsFor(subjectUserId) : undefined;
  try {
    return await previewErasure({ portal: portal.client, asSubject, credentials, subjectUserId });
  } catch (error) {
    if (error instanceof NotAdministratorError && portal.adminUnavailable)
      throw new NotAdministratorError(await portal.adminUnavailable(true));
    if (!asSubject || !(await subjectTokenDied(error, portal, subjectUserId))) throw error;
    // Their token died while we read: the preview says so, as it would have had we known before.
    const now = await portal.credentialStatus(subjectUserId);
    return previewErasure({ portal: portal.client, asSubject: undefined, credentials: now, subjectUserId });
  }
}
