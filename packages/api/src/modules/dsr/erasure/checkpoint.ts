/**
 * Where an erasure stands, kept in the request's `checkpoint` JSON. Each step is idempotent and records
 * its end here; the ledger itself is the finer checkpoint of the item step. The keys are flat so the
 * runner can merge a patch into the request's checkpoint as it is.
 */
export interface ErasureCheckpoint {
  /** The subject was looked up and the ledger found; set once. */
  erasureStartedAt?: string;
  /** Every ledger item is DONE or KEPT. */
  itemsCompletedAt?: string;
  /** The profile holds the anonymous values. */
  profileAnonymisedAt?: string;
  /** Fields the anonymisation wrote (names only). */
  profileChanged?: string[];
  /** `user.update ACTIVE=N` is confirmed. */
  accountDeactivatedAt?: string;
}

export type ErasureStep = 'start' | 'items' | 'profile' | 'account' | 'done';

/** The step a run resumes at. */
export function nextStep(checkpoint: ErasureCheckpoint): ErasureStep {
  if (!checkpoint.erasureStartedAt) return 'start';
  if (!checkpoint.itemsCompletedAt) return 'items';
  if (!checkpoint.profileAnonymisedAt) return 'profile';
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
    'itemsCompletedAt',
    'profileAnonymisedAt',
    'accountDeactivatedAt',
  ] as const) {
    const value = text(key);
    if (value) out[key] = value;
  }
  if (Array.isArray(cp.profileChanged)) out.profileChanged = cp.profileChanged.map(String);
  return out;
}
