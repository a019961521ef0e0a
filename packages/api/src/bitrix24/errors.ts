/**
 * Typed errors for everything a portal call can end in. Callers switch on `kind` (or use
 * `instanceof`); `retryable` is what the retry loop reads, so classification lives in one place.
 *
 * The code decides before the HTTP status: the docs have moved codes between statuses
 * (`OVERLOAD_LIMIT` is 503 in older pages and 401 in `_includes/system-errors.md`,
 * `ACCESS_DENIED` 403 vs 401), and errors inside a batch carry no status at all.
 */

export type Bitrix24ErrorKind =
  | 'auth'
  | 'access'
  | 'rate_limit'
  | 'transport'
  | 'not_found'
  | 'argument'
  | 'server'
  | 'method';

export interface Bitrix24ErrorInit {
  code: string;
  description?: string;
  /** HTTP status; absent for transport failures and for commands inside a batch. */
  status?: number | undefined;
  method: string;
  /** HTTP attempts spent before giving up (1 when the error was not retried). */
  attempts?: number;
  cause?: unknown;
}

export class Bitrix24Error extends Error {
  readonly kind: Bitrix24ErrorKind = 'method';
  readonly code: string;
  readonly description: string;
  readonly status: number | undefined;
  readonly method: string;
  attempts: number;

  constructor(init: Bitrix24ErrorInit) {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    const description = init.description ?? '';
    super(`${init.method}: ${init.code}${status}${description ? `: ${description}` : ''}`, {
      cause: init.cause,
    });
    this.name = new.target.name;
    this.code = init.code;
    this.description = description;
    this.status = init.status;
    this.method = init.method;
    this.attempts = init.attempts ?? 1;
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    return false;
  }
}

/** `NO_AUTH_FOUND`, `expired_token`, `INVALID_CREDENTIALS`: the webhook is wrong, gone or expired. */
export class Bitrix24AuthError extends Bitrix24Error {
  override readonly kind = 'auth';
}

/** `ACCESS_DENIED`, `insufficient_scope`, …: the webhook works but may not do this. */
export class Bitrix24AccessError extends Bitrix24Error {
  override readonly kind = 'access';
}

/** `QUERY_LIMIT_EXCEEDED`, `OVERLOAD_LIMIT`, `OPERATION_TIME_LIMIT`; thrown once retries are spent. */
export class Bitrix24RateLimitError extends Bitrix24Error {
  override readonly kind = 'rate_limit';
  override get retryable(): boolean {
    return true;
  }
}

/** Timeouts, refused/reset connections, bodies that are not the portal's JSON. */
export class Bitrix24TransportError extends Bitrix24Error {
  override readonly kind = 'transport';
  override get retryable(): boolean {
    return true;
  }
}

/** 5xx and `INTERNAL_SERVER_ERROR`. */
export class Bitrix24ServerError extends Bitrix24Error {
  override readonly kind = 'server';
  override get retryable(): boolean {
    return true;
  }
}

/** `NOT_FOUND`, `ERROR_METHOD_NOT_FOUND`, …, HTTP 404. */
export class Bitrix24NotFoundError extends Bitrix24Error {
  override readonly kind = 'not_found';
}

/** `ERROR_ARGUMENT`, `INVALID_REQUEST`, batch misuse, HTTP 400. */
export class Bitrix24ArgumentError extends Bitrix24Error {
  override readonly kind = 'argument';
}

/** Any other error a method reports (`ERROR_CORE`, `CANT_EDIT_MESSAGE`, …). */
export class Bitrix24MethodError extends Bitrix24Error {
  override readonly kind = 'method';
}

const AUTH = new Set([
  'NO_AUTH_FOUND',
  'expired_token',
  'invalid_token',
  'INVALID_CREDENTIALS',
  'WRONG_AUTH_TYPE',
  'authorization_error',
]);
const ACCESS = new Set([
  'ACCESS_DENIED',
  'ERROR_ACCESS_DENIED',
  'insufficient_scope',
  'user_access_error',
  'allowed_only_intranet_user',
  'PORTAL_DELETED',
]);
const RATE_LIMIT = new Set(['QUERY_LIMIT_EXCEEDED', 'OVERLOAD_LIMIT', 'OPERATION_TIME_LIMIT']);
const SERVER = new Set(['INTERNAL_SERVER_ERROR', 'ERROR_UNEXPECTED_ANSWER']);
const ARGUMENT = new Set([
  'ERROR_ARGUMENT',
  'INVALID_ARG_VALUE',
  'INVALID_REQUEST',
  'WRONG_REQUEST',
  'ERROR_BATCH_LENGTH_EXCEEDED',
  'ERROR_BATCH_METHOD_NOT_ALLOWED',
  'ERROR_REQUIRED_PARAMETERS_MISSING',
]);

type ErrorClass = new (init: Bitrix24ErrorInit) => Bitrix24Error;

function classFor(code: string, status: number | undefined, description: string): ErrorClass {
  if (RATE_LIMIT.has(code)) return Bitrix24RateLimitError;
  if (AUTH.has(code)) return Bitrix24AuthError;
  if (ACCESS.has(code)) return Bitrix24AccessError;
  // `user.update` by a non-admin answers `ERROR_CORE: access_denied` (user-update.md).
  if (/^access[_ ]denied/i.test(description)) return Bitrix24AccessError;
  if (SERVER.has(code)) return Bitrix24ServerError;
  if (ARGUMENT.has(code)) return Bitrix24ArgumentError;
  if (/NOT_FOUND$/i.test(code)) return Bitrix24NotFoundError;
  if (status === undefined) return /ARGUMENT/i.test(code) ? Bitrix24ArgumentError : Bitrix24MethodError;
  if (status === 429) return Bitrix24RateLimitError;
  if (status >= 500) return Bitrix24ServerError;
  if (status === 401) return Bitrix24AuthError;
  if (status === 403) return Bitrix24AccessError;
  if (status === 404) return Bitrix24NotFoundError;
  if (status === 400 || /ARGUMENT/i.test(code)) return Bitrix24ArgumentError;
  return Bitrix24MethodError;
}

/** Builds the right subclass for an `{ error, error_description }` answer. */
export function toBitrix24Error(init: Bitrix24ErrorInit): Bitrix24Error {
  const Class = classFor(init.code, init.status, init.description ?? '');
  return new Class(init);
}

export type TransportFailure = 'TIMEOUT' | 'CONNECTION_RESET' | 'CONNECTION_REFUSED' | 'INVALID_RESPONSE';

export function transportError(
  code: TransportFailure,
  method: string,
  description: string,
  status?: number,
): Bitrix24TransportError {
  return new Bitrix24TransportError({ code, method, description, status });
}
