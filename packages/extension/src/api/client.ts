import { MeDocument, requestBody, type TypedDocumentNode } from '@b24-gdpr/shared/graphql';
import type { Outcome, OutcomeError } from '../messaging/protocol.ts';
import { errorFromData, fail, type GraphQLErrorEntry, isForbidden, ok, type Success } from './outcome.ts';

/** Where the client gets the API address and token; the background passes its storage items. */
export interface ApiClientDeps {
  apiUrl(): Promise<string | null>;
  token(): Promise<string | null>;
  /** Injected so tests can reach an in-process API; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
}

export interface ApiClient {
  /** Runs a query or mutation and maps every way it can fail to an {@link OutcomeError}. */
  execute<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    options?: { signal?: AbortSignal; token?: string | null },
  ): Promise<Outcome<Success<TResult>>>;
  /** Opens a subscription as server-sent events; the response body is the event stream. */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    signal: AbortSignal,
  ): Promise<Outcome<Response>>;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorEntry[];
}

const NOT_CONFIGURED: OutcomeError = { kind: 'auth', message: 'Set the API address and sign in.' };

/** The one typed client of the API: `POST {apiUrl}/graphql` with the bearer token and yoga's CSRF header. */
export function createApiClient(deps: ApiClientDeps): ApiClient {
  const fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function post(
    body: unknown,
    token: string | null,
    accept: string,
    signal?: AbortSignal,
  ): Promise<Outcome<Response>> {
    const apiUrl = await deps.apiUrl();
    if (!apiUrl) return fail(NOT_CONFIGURED);
    try {
      const response = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept,
          // yoga's CSRF prevention refuses requests without it (a page could otherwise forge "simple" ones).
          'x-graphql-yoga-csrf': '1',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal,
      });
      if (response.status === 401) return fail({ kind: 'auth', message: 'Sign in again.' });
      return ok(response);
    } catch (error) {
      if (signal?.aborted) throw error;
      return fail({ kind: 'network', message: `The API at ${apiUrl} cannot be reached.` });
    }
  }

  async function run(
    document: TypedDocumentNode<unknown, unknown>,
    variables: unknown,
    token: string | null,
    signal?: AbortSignal,
  ): Promise<Outcome<Record<string, unknown>> & { forbidden?: boolean }> {
    const sent = await post(requestBody(document, variables), token, 'application/json', signal);
    if (!sent.ok) return sent;
    const response = sent.value;
    let body: GraphQLBody;
    try {
      body = (await response.json()) as GraphQLBody;
    } catch {
      // A proxy's error page or a half-started server: the API is not really there.
      if (response.status >= 500)
        return fail({ kind: 'network', message: `The API answered ${response.status}.` });
      return fail({ kind: 'unknown', message: `The API answered ${response.status} without a result.` });
    }
    if (isForbidden(body.errors)) {
      const message = body.errors?.find((e) => e.extensions?.code === 'FORBIDDEN')?.message ?? 'Not allowed.';
      return { ...fail({ kind: 'refused', message }), forbidden: true };
    }
    if (body.errors?.length || !body.data) {
      return fail({ kind: 'unknown', message: body.errors?.[0]?.message ?? 'The API sent no result.' });
    }
    const error = errorFromData(body.data);
    return error ? fail(error) : ok(body.data);
  }

  return {
    async execute(document, variables, options = {}) {
      const token = options.token !== undefined ? options.token : await deps.token();
      const generic = document as TypedDocumentNode<unknown, unknown>;
      const result = await run(generic, variables, token, options.signal);
      if (result.ok) return result as Outcome<Success<never>>;
      if (!result.forbidden) return result;
      // The API refuses an unknown or revoked token the same way as a missing role; `me` only needs
      // a valid token, so its answer tells the two apart.
      if (!token) return fail({ kind: 'auth', message: 'Sign in first.' });
      if (generic !== MeDocument) {
        const me = await run(MeDocument as TypedDocumentNode<unknown, unknown>, {}, token, options.signal);
        if (me.ok || !me.forbidden) return result;
      }
      return fail({ kind: 'auth', message: 'Your sign-in is no longer valid. Sign in again.' });
    },

    async subscribe(document, variables, signal) {
      // The signal cancels the connecting only; once the stream is open, the reader cancels it
      // (streamedResults), which ends the connection cleanly where aborting the fetch mid-body does not.
      const connecting = new AbortController();
      const abort = () => connecting.abort();
      signal.addEventListener('abort', abort, { once: true });
      const sent = await post(
        requestBody(document, variables),
        await deps.token(),
        'text/event-stream',
        connecting.signal,
      ).finally(() => signal.removeEventListener('abort', abort));
      if (!sent.ok) return sent;
      const response = sent.value;
      const type = response.headers.get('content-type') ?? '';
      // Refusals can come as events of a stream too (with a 4xx/5xx status): the stream says what went wrong.
      if (type.includes('text/event-stream') && response.body) return sent;
      // Otherwise yoga answers with a plain JSON result.
      const text = await response.text().catch(() => '');
      let errors: GraphQLErrorEntry[] | undefined;
      try {
        errors = (JSON.parse(text) as GraphQLBody).errors;
      } catch {
        // not JSON: reported below with the status
      }
      if (isForbidden(errors))
        return fail({ kind: 'refused', message: errors?.[0]?.message ?? 'Not allowed.' });
      return fail({
        kind: 'unknown',
        message: errors?.[0]?.message ?? `The API answered ${response.status}.`,
      });
    },
  };
}
