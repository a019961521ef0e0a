import type { AppServices } from '../../../app-services.ts';
import type { PortalConnection } from '../../portal/connect.ts';
import type { RequestType } from '../data-subject-request.entity.ts';
import type { ErasurePlan } from '../erasure/plan.ts';
import { previewErasure } from '../erasure/preview.ts';
import type { RequestHandler } from '../runner/request-runner.ts';
import { anonymiseHandler } from './anonymise.handler.ts';
import { eraseHandler } from './erase.handler.ts';
import { exportHandler } from './export.handler.ts';

/** One handler per request type. */
export function createRequestHandlers(
  services: Omit<AppServices, 'runner'>,
): Record<RequestType, RequestHandler> {
  return {
    EXPORT: exportHandler(services),
    ANONYMISE: anonymiseHandler(services),
    ERASE: eraseHandler(services),
  };
}

/** What erasing this subject would do, read from the portal now. */
export function computeErasurePlan(portal: PortalConnection, subjectUserId: number): Promise<ErasurePlan> {
  return previewErasure({ portal: portal.client, asSubject: portal.asUser(subjectUserId), subjectUserId });
}
