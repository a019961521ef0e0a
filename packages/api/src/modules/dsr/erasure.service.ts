import type { EntityManager } from '@mikro-orm/core';
import { Bitrix24Error } from '../../bitrix24/index.ts';
import { InvalidInputError, NotFoundError, PortalUnavailableError } from '../../errors.ts';
import { UnknownSubjectError } from './anonymise/errors.ts';
import type { DataSubjectRequest } from './data-subject-request.entity.ts';
import { NotAdministratorError, SubjectAlreadyErasedError } from './erasure/errors.ts';
import { writeErasureLedger } from './erasure/ledger.ts';
import type { ErasurePlan } from './erasure/plan.ts';
import type { Requester, RequestOrigin, RequestService } from './request.service.ts';

export type ComputeErasurePlan = (subjectUserId: number) => Promise<ErasurePlan>;

/** Preview, then confirm: the two halves of Art. 17 as this system does it. */
export class ErasureService {
  readonly #requests: RequestService;
  readonly #plan: ComputeErasurePlan;

  constructor(requests: RequestService, plan: ComputeErasurePlan) {
    this.#requests = requests;
    this.#plan = plan;
  }

  async preview(em: EntityManager, requester: Requester, subjectUserId: number, origin?: RequestOrigin) {
    const { request, token } = await this.#requests.preview(
      em,
      requester,
      subjectUserId,
      async () => {
        const plan = await this.#plan(subjectUserId).catch(asApiError);
        return { digest: plan.digest, preview: plan as unknown as Record<string, unknown> };
      },
      origin,
    );
    return { request, token, preview: publicPreview(request) };
  }

  confirm(
    em: EntityManager,
    requester: Requester,
    subjectUserId: number,
    token: string,
    origin?: RequestOrigin,
  ): Promise<DataSubjectRequest> {
    return this.#requests.confirmErasure(
      em,
      requester,
      subjectUserId,
      token,
      async (tx, request) => {
        await writeErasureLedger(tx, request.id, request.preview as unknown as ErasurePlan);
      },
      origin,
    );
  }
}

/** The engine's own refusals, as the API's typed errors. */
function asApiError(error: unknown): never {
  if (error instanceof UnknownSubjectError) throw new NotFoundError('User', error.message);
  if (error instanceof SubjectAlreadyErasedError) throw new InvalidInputError('userId', error.message);
  if (error instanceof NotAdministratorError) throw new PortalUnavailableError(error.message);
  if (error instanceof Bitrix24Error) {
    throw new PortalUnavailableError(
      `The portal could not be read in full (${error.method}: ${error.code}); nothing was changed, try again later.`,
    );
  }
  throw error;
}

/** The preview as shown to people: counts, kept items with reasons, notes (the item list stays server-side). */
export function publicPreview(request: DataSubjectRequest) {
  const plan = (request.preview ?? {}) as Partial<ErasurePlan>;
  return {
    categories: plan.categories ?? [],
    kept: plan.kept ?? [],
    notes: plan.notes ?? [],
    unavailable: plan.unavailable ?? [],
    digest: plan.digest ?? '',
    expiresAt: request.previewExpiresAt,
  };
}
