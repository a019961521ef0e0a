import { accessDenied, type RestError, systemError } from './rest/errors.ts';

/**
 * Faults a test switches on to see how a client copes. Each applies to HTTP requests (a batch is
 * one request, matched as `batch`), optionally only to some methods, for the next `count`
 * matching requests and/or until `durationMs` has passed, with an optional `probability`
 * drawn from a seeded generator (so a run is repeatable). With `count` it is deterministic.
 */
export type FaultKind =
  | 'rate-limit' // 503 QUERY_LIMIT_EXCEEDED
  | 'internal-error' // 500 INTERNAL_SERVER_ERROR
  | 'overload' // OVERLOAD_LIMIT
  | 'operation-time-limit' // 429 OPERATION_TIME_LIMIT
  | 'expired-token' // 401 expired_token
  | 'latency' // answers normally after `latencyMs`
  | 'drop-connection' // destroys the socket without answering
  | 'access-denied'; // 403 ACCESS_DENIED from the method itself, called alone or inside a batch

export interface Fault {
  kind: FaultKind;
  /** Method names this fault applies to (case-insensitive); all when absent. */
  methods?: string[];
  /** How many matching requests it hits; unlimited when absent. */
  count?: number;
  /** Window from injection; unlimited when absent. */
  durationMs?: number;
  /** Chance per matching request, 0..1; always when absent. */
  probability?: number;
  /** For `latency`. */
  latencyMs?: number;
  /**
   * For `access-denied`: only calls naming this id in the method's target parameter (the one the
   * counters record, e.g. POST_ID), so one item can be made undeletable while the rest go through.
   */
  target?: string;
  /** Optional label, shown by the inspection endpoint. */
  id?: string;
}

/**
 * The name a fault gives in `methods` to reach the authorization server (`/oauth/token/`): `latency`
 * holds each token request that long, `drop-connection` and the error kinds answer it so. Only faults
 * naming it apply there.
 */
export const TOKEN_ENDPOINT_FAULT_NAME = 'oauth/token';

export interface ActiveFault extends Fault {
  id: string;
  injectedAt: number;
  hits: number;
}

export type FaultOutcome =
  | { type: 'pass'; delayMs: number }
  | { type: 'error'; delayMs: number; error: RestError }
  | { type: 'drop'; delayMs: number };

export const FAULT_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'internal-error',
  'overload',
  'operation-time-limit',
  'expired-token',
  'latency',
  'drop-connection',
  'access-denied',
];

/** mulberry32: small, seedable, good enough for fault dice. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorFor(kind: FaultKind): RestError | null {
  switch (kind) {
    case 'rate-limit':
      return systemError('QUERY_LIMIT_EXCEEDED');
    case 'internal-error':
      return systemError('INTERNAL_SERVER_ERROR');
    case 'overload':
      return systemError('OVERLOAD_LIMIT');
    case 'operation-time-limit':
      return systemError('OPERATION_TIME_LIMIT');
    case 'expired-token':
      return systemError('expired_token');
    default:
      return null;
  }
}

export class FaultController {
  private active: ActiveFault[] = [];
  private seq = 0;
  private random: () => number;
  private readonly seed: number;
  private readonly now: () => number;

  constructor(seed: number, now: () => number = Date.now) {
    this.seed = seed;
    this.random = prng(seed);
    this.now = now;
  }

  inject(fault: Fault): string {
    if (!FAULT_KINDS.includes(fault.kind)) throw new Error(`unknown fault kind: ${String(fault.kind)}`);
    const id = fault.id ?? `fault-${++this.seq}`;
    this.active.push({ ...fault, id, injectedAt: this.now(), hits: 0 });
    return id;
  }

  remove(id: string): void {
    this.active = this.active.filter((f) => f.id !== id);
  }

  clear(): void {
    this.active = [];
    this.random = prng(this.seed);
  }

  list(): ActiveFault[] {
    this.expire();
    return this.active.map((f) => ({ ...f }));
  }

  private expire(): void {
    const now = this.now();
    this.active = this.active.filter(
      (f) =>
        (f.count === undefined || f.hits < f.count) &&
        (f.durationMs === undefined || now - f.injectedAt < f.durationMs),
    );
  }

  /**
   * Decides whether one method call (top-level or a batch command) is refused by an `access-denied`
   * fault: an answer of the method itself, so inside a batch only that command fails.
   */
  refuse(method: string, target: string | undefined): RestError | null {
    this.expire();
    const name = method.toLowerCase();
    for (const f of this.active) {
      if (f.kind !== 'access-denied') continue;
      if (f.methods && !f.methods.some((m) => m.toLowerCase() === name)) continue;
      if (f.target !== undefined && f.target !== target) continue;
      if (f.probability !== undefined && this.random() >= f.probability) continue;
      f.hits++;
      return accessDenied();
    }
    return null;
  }

  /**
   * Decides what happens to one HTTP request for `method`. `namedOnly`: only faults that list `method`
   * apply (the authorization server, `TOKEN_ENDPOINT_FAULT_NAME`, is left alone by faults meant for REST).
   */
  evaluate(method: string, options: { namedOnly?: boolean } = {}): FaultOutcome {
    this.expire();
    const name = method.toLowerCase();
    let delayMs = 0;
    let failure: FaultOutcome | null = null;
    for (const f of this.active) {
      // Answered by the method itself (`refuse`), not by the HTTP layer.
      if (f.kind === 'access-denied') continue;
      if (options.namedOnly && !f.methods) continue;
      if (f.methods && !f.methods.some((m) => m.toLowerCase() === name)) continue;
      if (f.kind !== 'latency' && failure) continue;
      if (f.probability !== undefined && this.random() >= f.probability) continue;
      f.hits++;
      if (f.kind === 'latency') {
        delayMs += f.latencyMs ?? 1000;
      } else if (f.kind === 'drop-connection') {
        failure = { type: 'drop', delayMs: 0 };
      } else {
        const error = errorFor(f.kind);
        if (error) failure = { type: 'error', delayMs: 0, error };
      }
    }
    this.expire();
    if (failure) return { ...failure, delayMs };
    return { type: 'pass', delayMs };
  }
}
