import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** The largest GraphQL request body accepted: yoga's own default, which our largest batches stay under. */
export const GRAPHQL_MAX_BODY_BYTES = 25_000_000;

/**
 * The body limit for `/graphql` on the Hono path: a declared length is checked before anything is read,
 * a chunked body is counted as it arrives. Refused with 413 and a GraphQL-shaped error, as yoga words it.
 */
export function graphqlBodyLimit(): MiddlewareHandler {
  return bodyLimit({
    maxSize: GRAPHQL_MAX_BODY_BYTES,
    onError: (c) =>
      c.json(
        {
          errors: [
            {
              message: `Request body too large: at most ${GRAPHQL_MAX_BODY_BYTES} bytes.`,
              extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
            },
          ],
        },
        413,
      ),
  });
}
