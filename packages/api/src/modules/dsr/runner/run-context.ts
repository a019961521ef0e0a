import type { EntityManager } from '@mikro-orm/core';
import type { DataSubjectRequest, RequestProgress } from '../data-subject-request.entity.ts';
import type { Lease } from './lease.ts';

/** What a request handler gets: the request, its saved checkpoint, and ways to save progress. */
export interface RunContext {
  request: DataSubjectRequest;
  em: EntityManager;
  /** Aborted when the request is cancelled or its lease is lost. */
  signal: AbortSignal;
  /** Merges `patch` into the checkpoint and saves it (renewing the lease): resume starts from here. */
  checkpoint(patch: Record<string, unknown>, progress?: RequestProgress): Promise<void>;
  progress(progress: RequestProgress): Promise<void>;
}

export function createRunContext(
  request: DataSubjectRequest,
  em: EntityManager,
  lease: Lease,
  signal: AbortSignal,
): RunContext {
  let saved: Record<string, unknown> = { ...request.checkpoint };
  return {
    request,
    em,
    signal,
    async checkpoint(patch, progress) {
      saved = { ...saved, ...patch };
      await lease.renew(em, { checkpoint: saved, ...(progress ? { progress } : {}) });
      request.checkpoint = saved;
      if (progress) request.progress = progress;
    },
    async progress(progress) {
      await lease.renew(em, { progress });
      request.progress = progress;
    },
  };
}
