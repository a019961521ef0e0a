import type { AppServices } from '../../../app-services.ts';
import type { PortalConnection } from '../../portal/connect.ts';
import type { RequestType } from '../data-subject-request.entity.ts';
import type { ErasurePlan } from '../erasure.service.ts';
import type { RequestHandler } from '../runner/request-runner.ts';

export async function computeErasurePlan(
  _portal: PortalConnection,
  _subjectUserId: number,
): Promise<ErasurePlan> {
  throw new Error('erasure preview engine not wired yet');
}

/** One handler per request type. */
export function createRequestHandlers(
  _services: Omit<AppServices, 'runner'>,
): Record<RequestType, RequestHandler> {
  const pending =
    (type: string): RequestHandler =>
    async () => {
      throw new Error(`${type} engine not wired yet`);
    };
  return { EXPORT: pending('EXPORT'), ANONYMISE: pending('ANONYMISE'), ERASE: pending('ERASE') };
}
