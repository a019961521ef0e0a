import type { Outcome, OutcomeError } from '../messaging/protocol.ts';

/** A union member the API uses for an expected failure (`PolicyRefusedError`, `InvalidInputError`, …). */
type ErrorMember = { __typename: `${string}Error` };

/** An operation's data with the error members taken out of every root field's union. */
export type Success<T> = { [K in keyof T]: Exclude<T[K], ErrorMember> };

/** One entry of a GraphQL response's `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: unknown; [key: string]: unknown };
}

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (error: OutcomeError): { ok: false; error: OutcomeError } => ({ ok: false, error });

/**
 * The failure a union member stands for, or null when the member is a success. Members a document
 * does not spell out still carry `__typename`, so an unexpected error type is `unknown`, never a success.
 */
export function errorFromMember(member: unknown): OutcomeError | null {
  if (typeof member !== 'object' || member === null) return null;
  const typename = (member as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string' || !typename.endsWith('Error')) return null;
  const fields = member as { message?: unknown; rule?: unknown; field?: unknown };
  const message = typeof fields.message === 'string' ? fields.message : typename;
  switch (typename) {
    case 'PolicyRefusedError':
      return { kind: 'refused', message, ...(typeof fields.rule === 'string' ? { rule: fields.rule } : {}) };
    case 'RateLimitedError':
      return { kind: 'refused', message, rule: 'rateLimited' };
    case 'InvalidInputError':
      return {
        kind: 'invalid',
        message,
        ...(typeof fields.field === 'string' ? { field: fields.field } : {}),
      };
    case 'InvalidSignInCodeError':
      return { kind: 'invalid', message, field: 'code' };
    case 'NotFoundError':
      return { kind: 'notFound', message };
    default:
      return { kind: 'unknown', message };
  }
}

/** The first root field whose value is an error member, as an outcome error. */
export function errorFromData(data: Record<string, unknown>): OutcomeError | null {
  for (const value of Object.values(data)) {
    const error = errorFromMember(value);
    if (error) return error;
  }
  return null;
}

/** True for the API's authorisation refusals (scope-auth's `NotAuthorizedError`, masked as FORBIDDEN). */
export const isForbidden = (errors: readonly GraphQLErrorEntry[] | undefined): boolean =>
  errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ?? false;
