/**
 * What the portal saw: HTTP requests (a batch is one, as for the rate limiter) and method calls
 * (a batch's inner commands each count), the latter also per target id, so a test can ask how
 * many times `im.message.delete` ran for message 123.
 */
export interface CountersSnapshot {
  httpRequests: number;
  httpByMethod: Record<string, number>;
  calls: Record<string, number>;
  callsByTarget: Record<string, Record<string, number>>;
  /** Answers by HTTP status, for the HTTP requests. */
  httpByStatus: Record<string, number>;
}

export class Counters {
  private httpTotal = 0;
  private readonly http = new Map<string, number>();
  private readonly status = new Map<string, number>();
  private readonly methodCalls = new Map<string, number>();
  private readonly targets = new Map<string, Map<string, number>>();

  recordHttp(method: string): void {
    this.httpTotal++;
    this.http.set(method, (this.http.get(method) ?? 0) + 1);
  }

  recordStatus(status: number): void {
    const k = String(status);
    this.status.set(k, (this.status.get(k) ?? 0) + 1);
  }

  recordCall(method: string, target?: string): void {
    this.methodCalls.set(method, (this.methodCalls.get(method) ?? 0) + 1);
    if (target === undefined) return;
    let m = this.targets.get(method);
    if (!m) {
      m = new Map();
      this.targets.set(method, m);
    }
    m.set(target, (m.get(target) ?? 0) + 1);
  }

  get httpRequests(): number {
    return this.httpTotal;
  }

  /** HTTP requests to one method (`batch` counts its own requests only). */
  httpFor(method: string): number {
    return this.http.get(method) ?? 0;
  }

  /** Executed calls of a method, optionally for one target id. */
  calls(method: string, target?: string | number): number {
    if (target === undefined) return this.methodCalls.get(method) ?? 0;
    return this.targets.get(method)?.get(String(target)) ?? 0;
  }

  snapshot(): CountersSnapshot {
    const callsByTarget: Record<string, Record<string, number>> = {};
    for (const [m, t] of this.targets) callsByTarget[m] = Object.fromEntries(t);
    return {
      httpRequests: this.httpTotal,
      httpByMethod: Object.fromEntries(this.http),
      calls: Object.fromEntries(this.methodCalls),
      callsByTarget,
      httpByStatus: Object.fromEntries(this.status),
    };
  }

  reset(): void {
    this.httpTotal = 0;
    this.http.clear();
    this.status.clear();
    this.methodCalls.clear();
    this.targets.clear();
  }
}
