import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppServices } from '../app-services.ts';
import { createGraphQLServer, type GraphQLServer } from '../yoga.ts';
import { createHttpApp } from './app.ts';
import { GRAPHQL_MAX_BODY_BYTES } from './graphql-body-limit.ts';

type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What Node's HTTP server calls for each request under `pnpm start`. A GraphQL request whose body length is
 * declared and within the limit goes straight to yoga's Node adapter: turning it into WHATWG Request and
 * Response objects for Hono, and its body into web streams, cost more CPU than running a page query.
 * Everything else goes through the Hono app, including GraphQL bodies sent in chunks (only reading them
 * tells their size) and declared bodies over the limit, which Hono refuses.
 */
function createNodeListener(app: Hono, graphql: GraphQLServer, services: AppServices): NodeListener {
  const hono = getRequestListener(app.fetch);
  return (req, res) => {
    if (!isDirectGraphQL(req)) return void hono(req, res);
    void graphql(req, res, { services, ip: req.socket.remoteAddress ?? 'unknown' });
  };
}

/** Node's parser delivers exactly the declared number of bytes, so a declared length is a limit here. */
function isDirectGraphQL(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if ((query === -1 ? url : url.slice(0, query)) !== '/graphql') return false;
  if (req.headers['transfer-encoding'] !== undefined) return false;
  return Number(req.headers['content-length'] ?? 0) <= GRAPHQL_MAX_BODY_BYTES;
}

/** The whole API (Hono app, GraphQL, this listener) on host:port; resolves once the port is open. */
export function listenApi(services: AppServices, hostname: string, port: number): Promise<Server> {
  const graphql = createGraphQLServer(services.logger);
  const listener = createNodeListener(createHttpApp(services, graphql), graphql, services);
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
