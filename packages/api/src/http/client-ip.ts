import { getConnInfo } from '@hono/node-server/conninfo';

/** The socket's peer address; when called in-process (tests use app.fetch) there is no socket. */
export function clientIp(c: Parameters<typeof getConnInfo>[0]): string {
  // Checked first rather than caught: a thrown TypeError per in-process request costs more than the query.
  const env = c.env as { incoming?: unknown; server?: { incoming?: unknown } } | undefined;
  if (!env?.incoming && !env?.server?.incoming) return 'local';
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}
