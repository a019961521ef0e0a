export * from './categories.ts';
export * from './checkpoint.ts';
export { deactivateAccount } from './deactivate.ts';
export { DEFAULT_DELETE_POLICY, type DeletePolicy } from './delete-batch.ts';
export * from './errors.ts';
export * from './executor.ts';
export {
  changedSincePreview,
  claimPending,
  keptRows,
  type LedgerRow,
  ledgerCounts,
  writeErasureLedger,
} from './ledger.ts';
export * from './plan.ts';
export type { ErasureClients } from './portal-items.ts';
export * from './preview.ts';
export { type Recollection, recollectPlan } from './recollect.ts';
export * from './run-erasure.ts';
export { type LeftOverItem, type Sweep, type SweepCount, sweepPortal } from './sweep.ts';
