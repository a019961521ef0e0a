/** Calls `fn` at most once per `ms` (the last call in a burst may be dropped; callers report a final state anyway). */
export function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => unknown): (...args: A) => void {
  let last = 0;
  return (...args: A) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    void Promise.resolve(fn(...args)).catch(() => {});
  };
}
