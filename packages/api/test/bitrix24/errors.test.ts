import { describe, expect, it } from 'vitest';
import {
  Bitrix24AccessError,
  Bitrix24ArgumentError,
  Bitrix24AuthError,
  Bitrix24Error,
  Bitrix24MethodError,
  Bitrix24NotFoundError,
  Bitrix24RateLimitError,
  Bitrix24ServerError,
  Bitrix24TransportError,
  toBitrix24Error,
  transportError,
} from '../../src/bitrix24/index.ts';

describe('toBitrix24Error', () => {
  it.each([
    ['QUERY_LIMIT_EXCEEDED', 503, Bitrix24RateLimitError, 'rate_limit', true],
    ['OVERLOAD_LIMIT', 503, Bitrix24RateLimitError, 'rate_limit', true],
    // system-errors.md lists OVERLOAD_LIMIT under 401: the code wins over the status.
    ['OVERLOAD_LIMIT', 401, Bitrix24RateLimitError, 'rate_limit', true],
    ['OPERATION_TIME_LIMIT', 429, Bitrix24RateLimitError, 'rate_limit', true],
    ['INTERNAL_SERVER_ERROR', 500, Bitrix24ServerError, 'server', true],
    ['HTTP_502', 502, Bitrix24ServerError, 'server', true],
    ['NO_AUTH_FOUND', 401, Bitrix24AuthError, 'auth', false],
    ['expired_token', 401, Bitrix24AuthError, 'auth', false],
    ['INVALID_CREDENTIALS', 401, Bitrix24AuthError, 'auth', false],
    ['INVALID_CREDENTIALS', 403, Bitrix24AuthError, 'auth', false],
    ['ACCESS_DENIED', 403, Bitrix24AccessError, 'access', false],
    ['ACCESS_DENIED', 401, Bitrix24AccessError, 'access', false],
    ['insufficient_scope', 401, Bitrix24AccessError, 'access', false],
    ['user_access_error', 401, Bitrix24AccessError, 'access', false],
    ['PORTAL_DELETED', 403, Bitrix24AccessError, 'access', false],
    ['ERROR_METHOD_NOT_FOUND', 404, Bitrix24NotFoundError, 'not_found', false],
    ['NOT_FOUND', 400, Bitrix24NotFoundError, 'not_found', false],
    ['ERROR_NOT_FOUND', undefined, Bitrix24NotFoundError, 'not_found', false],
    ['ERROR_ARGUMENT', 400, Bitrix24ArgumentError, 'argument', false],
    ['INVALID_REQUEST', 401, Bitrix24ArgumentError, 'argument', false],
    ['ERROR_BATCH_LENGTH_EXCEEDED', 400, Bitrix24ArgumentError, 'argument', false],
    ['SOMETHING_ODD', 400, Bitrix24ArgumentError, 'argument', false],
    ['ERROR_CORE', 400, Bitrix24ArgumentError, 'argument', false],
    ['ERROR_CORE', undefined, Bitrix24MethodError, 'method', false],
    ['CANT_EDIT_MESSAGE', undefined, Bitrix24MethodError, 'method', false],
    ['SOMETHING_ODD', 403, Bitrix24AccessError, 'access', false],
    ['SOMETHING_ODD', 401, Bitrix24AuthError, 'auth', false],
  ] as const)('%s with HTTP %s is %s', (code, status, Class, kind, retryable) => {
    const error = toBitrix24Error({ code, status, method: 'user.get', description: 'details' });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(Bitrix24Error);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.method).toBe('user.get');
  });

  it('reads ERROR_CORE "access_denied" as an access error', () => {
    const error = toBitrix24Error({
      code: 'ERROR_CORE',
      status: 400,
      method: 'user.update',
      description: 'access_denied',
    });
    expect(error).toBeInstanceOf(Bitrix24AccessError);
  });

  it('says what failed in its message', () => {
    const error = toBitrix24Error({
      code: 'ACCESS_DENIED',
      status: 403,
      method: 'user.update',
      description: 'No',
    });
    expect(error.message).toBe('user.update: ACCESS_DENIED (HTTP 403): No');
    expect(error.name).toBe('Bitrix24AccessError');
  });

  it('builds retryable transport errors', () => {
    const error = transportError('TIMEOUT', 'user.get', 'no answer');
    expect(error).toBeInstanceOf(Bitrix24TransportError);
    expect(error).toMatchObject({ kind: 'transport', code: 'TIMEOUT', retryable: true, status: undefined });
  });
});
