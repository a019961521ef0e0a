import { type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.ts';

/**
 * The schema is described to signed-in callers only (any token: users and integrators): an anonymous
 * caller may sign in and ask `__typename`, but not list every type, field and argument to probe. GraphiQL
 * does the same with the bearer token in its Headers tab (README, GraphiQL). Checked per request at
 * execution, not as a validation rule: yoga caches validation per document, not per caller.
 */
export function useSignedInIntrospection(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.principal.kind !== 'anonymous' || !asksForSchema(args.document)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            'Sign in to read the schema: send "Authorization: Bearer <token>" (in GraphiQL, in the Headers tab, then re-fetch the schema).',
            { extensions: { code: 'UNAUTHENTICATED' } },
          ),
        ],
      });
    },
  };
}

/** `__schema` or `__type` anywhere in the document (`__typename` is not introspection of the schema). */
function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}
