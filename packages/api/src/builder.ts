import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from './context.ts';
import { InvalidInputError } from './errors.ts';
import { authScopesFor } from './modules/identity/auth-scopes.ts';
import type { IntegratorScope } from './modules/identity/roles.ts';
import InputShapePlugin from './schema/input-shape-plugin.ts';

export interface AuthScopes {
  /** Any valid token. */
  authenticated: boolean;
  /** A token of a portal user (every user is an employee). */
  employee: boolean;
  /** A portal administrator, as the portal says right now. */
  admin: boolean;
  /** Granted by an administrator; reads the audit trail. */
  auditor: boolean;
  /** An integrator token holding this scope. */
  integrator: IntegratorScope;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // scope-auth first: its checks must run before any other plugin resolves anything. The input-shape
  // checks run inside the errors plugin, so their refusals become the field's InvalidInputError member.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, InputShapePlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) =>
      authScopesFor(
        ctx.principal,
        (userId) => ctx.services.directory.recheckAdmin?.(userId) ?? Promise.resolve(false),
      ),
    // Every non-public field declares authScopes; a failed or throwing scope check is a refusal, never a pass.
    treatErrorsAsUnauthorized: true,
    // A subscription is refused when it is made, not after it has started streaming.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, _context, _info, result) => new NotAuthorizedError(result.message),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
  // Unions hold the payload type itself (SignInCodeRequested | RateLimitedError), not a Success wrapper.
  // Every field with typed errors can refuse its input (schema/input-shape-plugin.ts checks all of it).
  errors: { defaultTypes: [InvalidInputError], directResult: true },
});

/**
 * Thrown by scope-auth. A GraphQLError, so yoga passes it through unmasked: it tells the caller
 * what to fix (sign in, ask an admin), not how the server works.
 */
export class NotAuthorizedError extends GraphQLError {
  constructor(message: string) {
    super(message || 'Not authorized', { extensions: { code: 'FORBIDDEN' } });
  }
}
