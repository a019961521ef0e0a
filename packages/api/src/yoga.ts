import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type DocumentNode, GraphQLError, getOperationAST } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { NotAuthorizedError } from './builder.ts';
import type { Logger } from './config/logger.ts';
import { createContext, type GraphQLContext, type ServerContext } from './context.ts';
import { useDocumentLimits } from './graphql/document-limits.ts';
import { useSignedInIntrospection } from './graphql/introspection-guard.ts';
import { allowedOrigins, graphqlCors } from './http/cors.ts';
import { GRAPHIQL_CSP, renderGraphiQLPage } from './http/graphiql.ts';
import { schema } from './schema/index.ts';
import { InputShapeError } from './schema/input-shape-plugin.ts';

/**
 * Limits sized for our heaviest legitimate documents. Depth counts introspection too, so a nested
 * introspection query cannot be used to exhaust the server; GraphiQL's own introspection query is the
 * deepest legitimate document, at 21 as graphql-armor counts (fragments count as levels).
 */
export const QUERY_LIMITS = {
  maxDepth: 21,
  maxAliases: 15,
  /** Comments included (graphql/document-limits.ts). */
  maxTokens: 2_000,
  /** The document's text; variables travel beside it and are limited with the body (25 MB). */
  maxDocumentBytes: 32 * 1024,
  maxDirectives: 20,
  maxCost: 20_000,
} as const;

export type GraphQLServer = YogaServerInstance<ServerContext, GraphQLContext>;

/** The GraphQL server as an object with `fetch`; it opens no port (server.ts does), so tests call it directly. */
export function createGraphQLServer(logger: Logger, options: { graphiql?: boolean } = {}): GraphQLServer {
  const log = logger.child({ component: 'graphql' });
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) =>
        log.error({ err: args.find((a) => a instanceof Error) }, args.map(String).join(' ')),
    },
    context: ({ request, ...server }) => createContext(request, server),
    graphiql: options.graphiql === false ? false : { title: 'b24-gdpr API' },
    // From our own origin (http/graphiql.ts), so it works without internet, under a strict CSP.
    renderGraphiQL: renderGraphiQLPage,
    // Unexpected errors become "Unexpected error."; typed failures travel as union members instead.
    // Authorisation refusals, and input refused on a field without typed errors (schema/input-shape-plugin.ts),
    // are the thrown errors a client must see as they are.
    maskedErrors: {
      maskError: (error, message, isDev) =>
        // Duck-typed: graphql may be loaded twice (ESM and CJS), so `instanceof GraphQLError` is unreliable here.
        isRefusal(error)
          ? new GraphQLError(error.originalError.message, {
              nodes: error.nodes,
              path: error.path,
              extensions: { code: 'FORBIDDEN' },
            })
          : isInputRefusal(error)
            ? new GraphQLError(error.originalError.message, {
                nodes: error.nodes,
                path: error.path,
                extensions: error.originalError.extensions,
              })
            : maskError(error, message, isDev),
    },
    landingPage: false,
    // EXTENSION_ORIGINS and CORS_ORIGINS only, without credentials (http/cors.ts).
    // yoga types the factory's context as unknown; it is the ServerContext every caller passes.
    cors: (request, server) => {
      const config = (server as ServerContext | undefined)?.services.config;
      return graphqlCors(request, config ? allowedOrigins(config) : new Set());
    },
    // The HTTP layer limits bodies (http/graphql-body-limit.ts, http/node-listener.ts); yoga's own limit
    // pipes every body through a TransformStream into a new Request, a third of a small query's time.
    maxRequestBodySize: false,
    plugins: [
      // Compiled execution, and above all compiled variable coercion: a recordEvents batch of 500 events is
      // 500 input objects to coerce, which took graphql-js a sixth of the request's CPU time.
      // Not for subscriptions: graphql-jit (0.8.7 to 0.8.9) hands a subscription's `subscribe` the request's
      // variables instead of the field's arguments, so an argument written inline arrives as undefined
      // (zalando-incubator/graphql-jit#183); graphql-js coerces them right, and a subscription is one per stream.
      useGraphQlJit({}, { enableIf: (args) => !isSubscription(args) }),
      // Browsers may send "simple" requests cross-site without preflight; those must carry this header.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      // Answers differ by Origin (CORS above), so a cache must not hand one origin's answer to another.
      { onResponse: ({ response }) => response.headers.append('vary', 'Origin') },
      // The GraphiQL page is the one HTML answer.
      {
        onResponse: ({ response }) => {
          if (response.headers.get('content-type')?.startsWith('text/html'))
            response.headers.set('content-security-policy', GRAPHIQL_CSP);
        },
      },
      // Size before parsing, and tokens with comments counted: armor's max-tokens counts no comments.
      useDocumentLimits({ maxBytes: QUERY_LIMITS.maxDocumentBytes, maxTokens: QUERY_LIMITS.maxTokens }),
      useSignedInIntrospection(),
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: false },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        maxTokens: { enabled: false },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        costLimit: { maxCost: QUERY_LIMITS.maxCost },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });
}

function isSubscription(args: {
  document: DocumentNode;
  operationName?: string | null | undefined;
}): boolean {
  return getOperationAST(args.document, args.operationName)?.operation === 'subscription';
}

function isInputRefusal(error: unknown): error is GraphQLError & { originalError: InputShapeError } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as GraphQLError).originalError instanceof InputShapeError
  );
}

function isRefusal(error: unknown): error is GraphQLError & { originalError: NotAuthorizedError } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as GraphQLError).originalError instanceof NotAuthorizedError
  );
}
