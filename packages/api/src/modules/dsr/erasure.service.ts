import type { EntityManager } from '@mikro-orm/core';
import type { DataSubjectRequest } from './data-subject-request.entity.ts';
import { ErasureItem } from './erasure-item.entity.ts';
import type { Requester, RequestService } from './request.service.ts';

export interface ErasurePlanItem {
  category: string;
  portalId: string;
  label: string;
}

export interface ErasureKeptItem {
  category: string;
  portalId: string | null;
  label: string;
  reason: string;
}

/** What an administrator sees before confirming, and exactly what confirming will do. */
export interface ErasurePlan {
  categories: { category: string; toDelete: number }[];
  kept: ErasureKeptItem[];
  items: ErasurePlanItem[];
  /** SHA-256 over the canonical item list; the preview token is bound to it. */
  digest: string;
}

export type ComputeErasurePlan = (subjectUserId: number) => Promise<ErasurePlan>;

/** Preview, then confirm: the two halves of Art. 17 as this system does it. */
export class ErasureService {
  readonly #requests: RequestService;
  readonly #plan: ComputeErasurePlan;

  constructor(requests: RequestService, plan: ComputeErasurePlan) {
    this.#requests = requests;
    this.#plan = plan;
  }

  async preview(em: EntityManager, requester: Requester, subjectUserId: number) {
    const { request, token } = await this.#requests.preview(em, requester, subjectUserId, async () => {
      const plan = await this.#plan(subjectUserId);
      return { digest: plan.digest, preview: plan as unknown as Record<string, unknown> };
    });
    return { request, token, preview: publicPreview(request) };
  }

  confirm(
    em: EntityManager,
    requester: Requester,
    subjectUserId: number,
    token: string,
  ): Promise<DataSubjectRequest> {
    return this.#requests.confirmErasure(em, requester, subjectUserId, token, async (tx, request) => {
      const plan = request.preview as unknown as ErasurePlan;
      await tx.nativeDelete(ErasureItem, { requestId: request.id });
      for (const item of plan.items) {
        tx.create(ErasureItem, {
          requestId: request.id,
          category: item.category,
          portalId: item.portalId,
          label: item.label,
          state: 'PENDING',
        });
      }
      for (const kept of plan.kept) {
        if (kept.portalId === null) continue;
        tx.create(ErasureItem, {
          requestId: request.id,
          category: kept.category,
          portalId: kept.portalId,
          label: kept.label,
          state: 'KEPT',
          reason: kept.reason,
        });
      }
      await tx.flush();
    });
  }
}

/** The preview as shown to people: counts and kept items with reasons (the full item list stays server-side). */
export function publicPreview(request: DataSubjectRequest) {
  const plan = (request.preview ?? { categories: [], kept: [], digest: '' }) as Partial<ErasurePlan>;
  return {
    categories: plan.categories ?? [],
    kept: plan.kept ?? [],
    digest: plan.digest ?? '',
    expiresAt: request.previewExpiresAt,
  };
}
