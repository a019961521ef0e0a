import type { SandboxRuntime } from '../runtime.ts';
import type { FrameResult, Placement } from './types.ts';

/**
 * PAGE_BACKGROUND_WORKER's rule (api-reference/widgets/universal/background-worker.md): "If the
 * response takes longer than five seconds and this happens more than ten times a day on the same
 * Bitrix24, the handler registration is deleted", and a request "with the error
 * ERROR_PLACEMENT_LOADING_OVERTIME and a description of the exceeded loading time arrives at the
 * address from OPTIONS[errorHandlerUrl] ... without authorization tokens". The form of that request
 * is not documented: the sandbox posts `error` and `error_description` (*unconfirmed*). Only frames
 * the sandbox loads itself (`apps.openFrame`) are timed; a browser's loads it cannot see.
 */
export const OVERTIME_LIMIT_PER_DAY = 10;

export class OvertimeWatch {
  /** The budget; tests shorten it (`apps.setFrameBudget`). */
  budgetMs = 5_000;
  private readonly counts = new Map<number, { day: string; n: number }>();

  /** Counts a slow load; answers true when the registration must go. */
  record(placementId: number, durationMs: number, now = new Date()): boolean {
    if (durationMs <= this.budgetMs) return false;
    const day = now.toISOString().slice(0, 10);
    const c = this.counts.get(placementId);
    const n = c && c.day === day ? c.n + 1 : 1;
    this.counts.set(placementId, { day, n });
    return n > OVERTIME_LIMIT_PER_DAY;
  }
}

/** After a timed background-worker load: counts it, and past the limit unbinds and reports. */
export function checkOvertime(portal: SandboxRuntime, placement: Placement, result: FrameResult): void {
  if (placement.placement !== 'PAGE_BACKGROUND_WORKER') return;
  if (!portal.apps.overtime.record(placement.id, result.durationMs)) return;
  portal.apps.placements.delete(placement.id);
  const url = placement.options.errorHandlerUrl;
  if (typeof url !== 'string' || url === '') return;
  portal.events.send(url, 'ERROR_PLACEMENT_LOADING_OVERTIME', 0, {
    error: 'ERROR_PLACEMENT_LOADING_OVERTIME',
    error_description: `The handler took longer than ${portal.apps.overtime.budgetMs / 1000} s more than ${OVERTIME_LIMIT_PER_DAY} times today`,
  });
}
