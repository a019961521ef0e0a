import { type BatchCommands, type BatchOptions, type BatchResults, runBatch } from './batch.ts';
import { type Clock, systemClock } from './clock.ts';
import { Counters, type CountersSnapshot } from './counters.ts';
import { encodeParams, type Params } from './encode.ts';
import { Bitrix24Error, toBitrix24Error, transportError } from './errors.ts';
import { type LeakyBucketConfig, LeakyBucketLimiter, STANDARD_PLAN, sharedLimiter } from './limiter.ts';
import type { MethodName, ParamsOf, ResultOf } from './methods.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts';
import { parseWebhookUrl, type WebhookEndpoint } from './webhook-url.ts';

/** The subset of a pino logger we use; any pino `Logger` fits. */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface Bitrix24ClientOptions {
  /** `https://PORTAL/rest/{USER_ID}/{CODE}/` */
  webhookUrl: string;
  /** http is accepted on loopback only, unless this is set. */
  allowInsecureHttp?: boolean;
  /**
   * A limiter to use, or the plan for this process's shared limiter of the portal
   * (default `STANDARD_PLAN`: burst 50, drain 2/s).
   */
  limiter?: LeakyBucketLimiter | LeakyBucketConfig;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP attempt; the portal itself stops a request after 60 s. */
  timeoutMs?: number;
  logger?: LoggerLike;
  clock?: Clock;
  /** Jitter source, for reproducible tests. */
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface ResponseTime {
  start?: number;
  finish?: number;
  duration?: number;
  processing?: number;
  operating?: number;
  operating_reset_at?: number;
  [field: string]: unknown;
}

/** A success answer: `result` plus the paging fields list methods add. */
export interface Envelope<R> {
  result: R;
  total?: number;
  next?: number;
  time?: ResponseTime;
}

export type CallArgs<M extends MethodName> =
  object extends ParamsOf<M>
    ? [params?: ParamsOf<M>, options?: CallOptions]
    : [params: ParamsOf<M>, options?: CallOptions];

const DEFAULT_TIMEOUT_MS = 60_000;

export class Bitrix24Client {
  readonly endpoint: WebhookEndpoint;
  readonly limiter: LeakyBucketLimiter;
  readonly #counters = new Counters();
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #logger: LoggerLike | undefined;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: Bitrix24ClientOptions) {
    this.endpoint = parseWebhookUrl(options.webhookUrl, {
      allowInsecureHttp: options.allowInsecureHttp ?? false,
    });
    this.#clock = options.clock ?? systemClock;
    this.limiter =
      options.limiter instanceof LeakyBucketLimiter
        ? options.limiter
        : sharedLimiter(this.endpoint.origin, options.limiter ?? STANDARD_PLAN, this.#clock);
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
  }

  /** `https://portal/rest/1/***` — safe to show. */
  toString(): string {
    return `Bitrix24Client(${this.endpoint.safeBase})`;
  }

  /** Calls a method from the method map and returns its `result`. */
  async call<M extends MethodName>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
    const envelope = await this.envelope(method, ...args);
    return envelope.result;
  }

  /** Like `call`, keeping `total`/`next`/`time` (list methods). */
  async envelope<M extends MethodName>(method: M, ...args: CallArgs<M>): Promise<Envelope<ResultOf<M>>> {
    const [params, options] = args;
    return (await this.request(method, params as Params | undefined, options)) as Envelope<ResultOf<M>>;
  }

  /** Any method, untyped: the escape hatch for methods not in the map. */
  async request(method: string, params?: Params, options: CallOptions = {}): Promise<Envelope<unknown>> {
    if (!/^[a-z][\w.]*$/i.test(method)) throw new TypeError(`Not a REST method name: ${method}`);
    const body = encodeParams(params);
    const policy = { ...this.#retry, ...options.retry };
    try {
      return await withRetry((attempt) => this.#attempt(method, body, options, attempt), {
        policy,
        clock: this.#clock,
        signal: options.signal,
        random: this.#random,
        onRetry: (error, attempt, delayMs) => {
          this.#counters.retry(error.code);
          this.#logger?.warn(
            {
              portal: this.endpoint.origin,
              method,
              attempt,
              code: error.code,
              status: error.status,
              delayMs,
            },
            'bitrix24 call failed, retrying',
          );
        },
      });
    } catch (error) {
      if (error instanceof Bitrix24Error) this.#counters.error(error.code);
      throw error;
    }
  }

  /** Up to 50 commands per HTTP request (more are split), with `$result[key][field]` references. */
  batch<C extends BatchCommands>(commands: C, options?: BatchOptions): Promise<BatchResults<C>> {
    return runBatch(this, commands, options);
  }

  counters(): CountersSnapshot {
    return this.#counters.snapshot();
  }

  resetCounters(): void {
    this.#counters.reset();
  }

  /** For batch and paging code that counts commands and errors it unpacks itself. */
  get counterSink(): Counters {
    return this.#counters;
  }

  async #attempt(
    method: string,
    body: string,
    options: CallOptions,
    attempt: number,
  ): Promise<Envelope<unknown>> {
    const ticket = await this.limiter.acquire(options.signal);
    if (ticket.waitedMs > 0) this.#counters.throttled(ticket.waitedMs);
    this.#counters.http(method);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const startedAt = this.#clock.now();
    let status = 0;
    let text: string;
    try {
      const response = await fetch(this.endpoint.methodUrl(method), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        body,
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.#transportFailure(error, method, timeout.aborted ? timeoutMs : 0, status || undefined);
    } finally {
      ticket.release();
    }
    this.#logger?.debug(
      {
        portal: this.endpoint.origin,
        method,
        attempt,
        status,
        ms: Math.round(this.#clock.now() - startedAt),
      },
      'bitrix24 call',
    );
    const error = this.#parseError(method, status, text);
    if (error) {
      if (error.code === 'QUERY_LIMIT_EXCEEDED') this.limiter.penalize();
      throw error;
    }
    return JSON.parse(text) as Envelope<unknown>;
  }

  /** Returns the error an answer carries, or undefined for a well-formed success. */
  #parseError(method: string, status: number, text: string): Bitrix24Error | undefined {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      // Proxies answer 502/504 with HTML; that is the server's trouble, not ours.
      if (status >= 500) return toBitrix24Error({ code: `HTTP_${status}`, status, method });
      return transportError('INVALID_RESPONSE', method, `HTTP ${status}, body is not JSON`, status);
    }
    if (typeof payload === 'object' && payload !== null && 'error' in payload) {
      const { error, error_description: description } = payload as {
        error: unknown;
        error_description?: unknown;
      };
      return toBitrix24Error({
        code: String(error),
        description: this.endpoint.redact(typeof description === 'string' ? description : ''),
        status,
        method,
      });
    }
    if (status < 200 || status >= 300) return toBitrix24Error({ code: `HTTP_${status}`, status, method });
    if (typeof payload !== 'object' || payload === null || !('result' in payload)) {
      return transportError('INVALID_RESPONSE', method, 'answer has neither result nor error', status);
    }
    return undefined;
  }

  #transportFailure(error: unknown, method: string, timedOutAfterMs: number, status?: number): Bitrix24Error {
    if (timedOutAfterMs > 0) {
      return transportError('TIMEOUT', method, `no complete answer within ${timedOutAfterMs} ms`, status);
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : '';
    const detail = this.endpoint.redact(
      [
        error instanceof Error ? error.message : String(error),
        typeof cause?.message === 'string' ? cause.message : '',
      ]
        .filter(Boolean)
        .join(': '),
    );
    // The raw error is not attached as `cause`: undici errors can carry the request URL.
    return transportError(
      code === 'ECONNREFUSED' ? 'CONNECTION_REFUSED' : 'CONNECTION_RESET',
      method,
      code ? `${code} ${detail}` : detail,
      status,
    );
  }
}
