import { type BatchCommands, type BatchOptions, type BatchResults, runBatch } from './batch.ts';
import { type Clock, systemClock } from './clock.ts';
import { Counters, type CountersSnapshot } from './counters.ts';
import { encodeParams, type Params } from './encode.ts';
import { Bitrix24Error, toBitrix24Error, transportError } from './errors.ts';
import { type LeakyBucketConfig, LeakyBucketLimiter, STANDARD_PLAN, sharedLimiter } from './limiter.ts';
import type { MethodName, ParamsOf, ResultOf } from './methods.ts';
import { type OAuthGrant, type OAuthSession, REFRESHABLE_AUTH_CODES } from './oauth.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts';
import { parseWebhookUrl, type WebhookEndpoint } from './webhook-url.ts';

/** What the client says about where it calls, safe to print; a webhook's code or a token never shows. */
export interface ClientEndpoint {
  readonly origin: string;
  readonly safeBase: string;
  redact(text: string): string;
}

/** The subset of a pino logger we use; any pino `Logger` fits. */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface Bitrix24ClientOptions {
  /** `https://PORTAL/rest/{USER_ID}/{CODE}/`; or `oauth`. */
  webhookUrl?: string;
  /** An application's user token (oauth.ts): `auth=` on every call, one refresh and retry on `expired_token`. */
  oauth?: OAuthSession;
  /**
   * With `oauth`: the portal's origin (or how to read it, for a portal known later), which logs name and
   * which keys the shared limiter when `limiter` is not an instance.
   */
  origin?: string | (() => string);
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
  readonly endpoint: ClientEndpoint;
  readonly #webhook: WebhookEndpoint | undefined;
  readonly #oauth: OAuthSession | undefined;
  readonly limiter: LeakyBucketLimiter;
  readonly #counters = new Counters();
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #logger: LoggerLike | undefined;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: Bitrix24ClientOptions) {
    if (options.oauth) {
      this.#oauth = options.oauth;
      const origin = options.origin ?? 'oauth:unknown';
      const label = options.oauth.label;
      // Read when used: an application's portal is known only once it is installed (logs name it).
      this.endpoint = {
        get origin() {
          return typeof origin === 'function' ? origin() : origin;
        },
        safeBase: label,
        redact: (text) => text,
      };
    } else if (options.webhookUrl) {
      this.#webhook = parseWebhookUrl(options.webhookUrl, {
        allowInsecureHttp: options.allowInsecureHttp ?? false,
      });
      this.endpoint = this.#webhook;
    } else throw new TypeError('Bitrix24Client needs webhookUrl or oauth');
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
    if (!this.#oauth) return this.#withRetries(method, body, options, undefined);
    const grant = await this.#oauth.acquire();
    try {
      return await this.#withRetries(method, body, options, grant);
    } catch (error) {
      // One refresh and one more try (auto-renewal.md); a second refusal is the caller's error.
      if (!(error instanceof Bitrix24Error) || !REFRESHABLE_AUTH_CODES.has(error.code)) throw error;
      this.#counters.retry(error.code);
      const renewed = await this.#oauth.renew(grant);
      return this.#withRetries(method, body, options, renewed);
    }
  }

  async #withRetries(
    method: string,
    body: string,
    options: CallOptions,
    grant: OAuthGrant | undefined,
  ): Promise<Envelope<unknown>> {
    const policy = { ...this.#retry, ...options.retry };
    try {
      return await withRetry((attempt) => this.#attempt(method, body, options, attempt, grant), {
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
    grant: OAuthGrant | undefined,
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
      const url = grant ? `${grant.clientEndpoint}${method}.json` : this.#webhook!.methodUrl(method);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        // The token goes in the body, not the URL, so no proxy or access log keeps it.
        body: grant ? `auth=${encodeURIComponent(grant.accessToken)}${body ? `&${body}` : ''}` : body,
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.#transportFailure(
        error,
        method,
        timeout.aborted ? timeoutMs : 0,
        status || undefined,
        grant,
      );
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
    const error = this.#parseError(method, status, text, grant);
    if (error) {
      if (error.code === 'QUERY_LIMIT_EXCEEDED') this.limiter.penalize();
      throw error;
    }
    return JSON.parse(text) as Envelope<unknown>;
  }

  /** Returns the error an answer carries, or undefined for a well-formed success. */
  #parseError(
    method: string,
    status: number,
    text: string,
    grant: OAuthGrant | undefined,
  ): Bitrix24Error | undefined {
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
        description: this.#redact(typeof description === 'string' ? description : '', grant),
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

  #transportFailure(
    error: unknown,
    method: string,
    timedOutAfterMs: number,
    status: number | undefined,
    grant: OAuthGrant | undefined,
  ): Bitrix24Error {
    if (timedOutAfterMs > 0) {
      return transportError('TIMEOUT', method, `no complete answer within ${timedOutAfterMs} ms`, status);
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : '';
    const detail = this.#redact(
      [
        error instanceof Error ? error.message : String(error),
        typeof cause?.message === 'string' ? cause.message : '',
      ]
        .filter(Boolean)
        .join(': '),
      grant,
    );
    // The raw error is not attached as `cause`: undici errors can carry the request URL.
    return transportError(
      code === 'ECONNREFUSED' ? 'CONNECTION_REFUSED' : 'CONNECTION_RESET',
      method,
      code ? `${code} ${detail}` : detail,
      status,
    );
  }

  /** The webhook code, or the access token a call was sent with, never leaves in a message. */
  #redact(text: string, grant: OAuthGrant | undefined): string {
    const masked = this.endpoint.redact(text);
    return grant?.accessToken ? masked.split(grant.accessToken).join('***') : masked;
  }
}
