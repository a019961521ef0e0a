/** The `time` block every answer carries (api-reference/data-types.md#time, limits.md). */
export interface TimeBlock {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
}

export interface Timing {
  startMs: number;
  finishMs: number;
  processingMs: number;
  operating: number;
  operatingResetAt: number;
}

/** `2024-07-25T13:13:55+00:00`: the docs' datetime form, in UTC. */
export function formatDateTime(ms: number | string | Date): string {
  const d = new Date(ms);
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function timeBlock(t: Timing): TimeBlock {
  return {
    start: t.startMs / 1000,
    finish: t.finishMs / 1000,
    duration: (t.finishMs - t.startMs) / 1000,
    processing: t.processingMs / 1000,
    date_start: formatDateTime(t.startMs),
    date_finish: formatDateTime(t.finishMs),
    operating_reset_at: t.operatingResetAt,
    operating: t.operating,
  };
}

export interface SuccessBody {
  result: unknown;
  total?: number;
  next?: number;
  time: TimeBlock;
}

export function successBody(
  value: { result: unknown; total?: number | undefined; next?: number | undefined },
  time: TimeBlock,
): SuccessBody {
  // Documented key order: result, total?, next?, time.
  return {
    result: value.result,
    ...(value.total !== undefined ? { total: value.total } : {}),
    ...(value.next !== undefined ? { next: value.next } : {}),
    time,
  };
}
