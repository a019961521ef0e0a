/**
 * System errors and their HTTP statuses as the current docs give them
 * (_includes/system-errors.md, error-codes.md). Where /work/shared/BITRIX24.md differs
 * (OVERLOAD_LIMIT 503, INVALID_CREDENTIALS 403) the docs win.
 */
export const SYSTEM_ERRORS = {
  INTERNAL_SERVER_ERROR: { status: 500, description: 'Internal server error' },
  ERROR_UNEXPECTED_ANSWER: { status: 500, description: 'Server returned an unexpected response' },
  QUERY_LIMIT_EXCEEDED: { status: 503, description: 'Too many requests' },
  OPERATION_TIME_LIMIT: { status: 429, description: 'Method is blocked due to operation time limit' },
  NO_AUTH_FOUND: { status: 401, description: 'Wrong authorization data' },
  INVALID_REQUEST: { status: 401, description: 'Https required' },
  OVERLOAD_LIMIT: { status: 401, description: 'REST API is blocked due to overload' },
  INVALID_CREDENTIALS: { status: 401, description: 'Invalid request credentials' },
  ERROR_METHOD_NOT_FOUND: { status: 404, description: 'Method not found!' },
  insufficient_scope: {
    status: 401,
    description: 'The request requires higher privileges than provided by the webhook token',
  },
  expired_token: { status: 401, description: 'The access token provided has expired' },
  user_access_error: { status: 401, description: 'The user does not have access to the application' },
  PORTAL_DELETED: { status: 403, description: 'Portal was deleted' },
  // Batch sub-request errors; they arrive inside `result_error` of a 200 answer (error-codes.md).
  // The statuses are those of the older system-errors table, used when the whole batch is refused.
  ERROR_BATCH_LENGTH_EXCEEDED: { status: 400, description: 'Max batch length exceeded' },
  ERROR_BATCH_METHOD_NOT_ALLOWED: { status: 405, description: 'Method is not allowed for batch usage' },
} as const satisfies Record<string, { status: number; description: string }>;

export type SystemErrorCode = keyof typeof SYSTEM_ERRORS;

/** An error answer: `{ error, error_description }` with an HTTP status. */
export class RestError extends Error {
  readonly code: string;
  readonly description: string;
  readonly status: number;
  /** Extra keys of the answer, e.g. `argument` of ERROR_ARGUMENT (api-reference/widgets/placement-bind.md). */
  readonly extra: Record<string, string>;

  constructor(code: string, description: string, status: number, extra: Record<string, string> = {}) {
    super(`${code}: ${description}`);
    this.code = code;
    this.description = description;
    this.status = status;
    this.extra = extra;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description, ...this.extra };
  }
}

export function systemError(code: SystemErrorCode, description?: string): RestError {
  const known = SYSTEM_ERRORS[code];
  return new RestError(code, description ?? known.description, known.status);
}

/** A method's own error; methods answer 400 unless their page says otherwise. */
export function methodError(code: string, description: string, status = 400): RestError {
  return new RestError(code, description, status);
}

/** Method-level access refusal: 403, unlike the 401 plan-level ACCESS_DENIED (error-codes.md). */
export function accessDenied(description = 'Access denied'): RestError {
  return new RestError('ACCESS_DENIED', description, 403);
}
