import type { Recollection } from './recollect.ts';
import type { Sweep } from './sweep.ts';

/**
 * Where an erasure stands, kept in the request's `checkpoint` JSON. Each step is idempotent and records
 * its end here; the ledger itself is the finer checkpoint of the item step. The keys are flat so the
 * runner can merge a patch into the request's checkpoint as it is.
 */
export interface ErasureCheckpoint {
  /** The subject was looked up and the ledger found; set once. */
  erasureStartedAt?: string;
  /**
   * The plan was collected again and the ledger brought up to date (rows added since the preview, rows
   * gone since skipped), before any deletion. Set once: a resumed run never collects again, so the
   * ledger's IN_FLIGHT and DONE rows stay the only truth about what was asked of the portal.
   */
  recollectedAt?: string;
  recollection?: Recollection;
  /** Every ledger item is DONE or KEPT. */
  itemsCompletedAt?: string;
  /** The profile holds the anonymous values. */
  profileAnonymisedAt?: string;
  /** Fields the anonymisation wrote (names only). */
  profileChanged?: string[];
  /** The verification sweep's findings (before deactivation: see sweep.ts). */
  sweep?: Sweep;
  /** `user.update ACTIVE=N` is confirmed. */
  accountDeactivatedAt?: string;
}

export type ErasureStep = 'start' | 'recollect' | 'items' | 'profile' | 'sweep' | 'account' | 'done';

/** The step a run resumes at. */
export function nextStep(checkpoint: ErasureCheckpoint): ErasureStep {
  if (!checkpoint.erasureStartedAt) return 'start';
  if (!checkpoint.recollectedAt && !checkpoint.itemsCompletedAt) return 'recollect';
  if (!checkpoint.itemsCompletedAt) return 'items';
  if (!checkpoint.profileAnonymisedAt) return 'profile';
  if (!checkpoint.sweep) return 'sweep';
  if (!checkpoint.accountDeactivatedAt) return 'account';
  return 'done';
}

/** Reads the erasure's keys out of a request's checkpoint JSON, ignoring anything else stored there. */
export function readErasureCheckpoint(json: Record<string, unknown> | null | undefined): ErasureCheckpoint {
  const cp = json ?? {};
  const text = (key: string) => (typeof cp[key] === 'string' ? (cp[key] as string) : undefined);
  const out: ErasureCheckpoint = {};
  for (const key of [
    'erasureStartedAt',
    'recollectedAt',
    'itemsCompletedAt',
    'profileAnonymisedAt',
    'accountDeactivatedAt',
  ] as const) {
    const value = text(key);
    if (value) out[key] = value;
  }
  if (Array.isArray(cp.profileChanged)) out.profileChanged = cp.profileChanged.map(String);
  // Both written by this module only, whole, in one checkpoint patch.
  if (isObject(cp.recollection)) out.recollection = cp.recollection as unknown as Recollection;
  if (isObject(cp.sweep) && Array.isArray(cp.sweep.leftOver)) out.sweep = cp.sweep as unknown as Sweep;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
