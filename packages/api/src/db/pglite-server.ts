/**
 * A loopback PostgreSQL server in front of one PGlite instance, so that everything speaks plain
 * `postgres://`: MikroORM's `pg` pool, pg-boss, raw `pg` clients, and other OS processes alike.
 *
 * Why not `@electric-sql/pglite-socket`: its multiplexer queues and runs each protocol *message* on its
 * own. With several connections, connection B's unnamed Parse can land between connection A's Parse and
 * Bind, and A then executes B's statement: silent wrong results. Only explicit transactions are kept apart.
 *
 * Here a connection owns the single PGlite session from its first message until PGlite answers
 * ReadyForQuery with status `I` (idle): the end of an implicit extended-protocol cycle
 * (Parse/Bind/Execute/Sync) or of an explicit transaction block (`T` and `E` keep ownership). Other
 * connections wait in a FIFO queue. A client that disconnects while owning the session has its cycle
 * ended and its transaction rolled back before the next one gets it.
 *
 * Known limits, all due to there being exactly one PostgreSQL session behind every connection:
 * - A transaction that waits for work on a second connection deadlocks: that connection queues behind
 *   the transaction. Never await another connection (another `em` fork, pg-boss, a raw pool) inside a
 *   transaction. The idle-owner timeout (60 s by default) ends such a deadlock by disconnecting the
 *   transaction's client, as PostgreSQL's idle_in_transaction_session_timeout would.
 * - Session state is shared: named prepared statements, `SET` (use `SET LOCAL`), temp tables, and LISTEN
 *   (a notification reaches whichever client runs at the time). Clients must not use named prepared
 *   statements (`pg` only does when a query is given a `name`), nor Bind the unnamed statement of an
 *   earlier cycle after its Sync (`pg` sends Parse with every query).
 *   Startup parameters are not applied (the session is UTF8, UTC); CancelRequest does nothing.
 * - Concurrency is nominal: statements run one at a time. PostgreSQL itself is for real load.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { splitMessages, startupMessage } from './pg-wire.ts';
import { PgliteConnection, type SharedSession } from './pglite-connection.ts';
import { SessionLock } from './session-lock.ts';

const AUTHENTICATION = 'R'.charCodeAt(0);
const PARAMETER_STATUS = 'S'.charCodeAt(0);

export interface PgliteServerOptions {
  db: PGlite;
  /** Loopback only by default: the data is personal data. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  maxConnections?: number;
  /** Password clients must present; a random one by default, `null` for none. */
  password?: string | null;
  /** A client idle for this long while owning the session (mid-transaction) is disconnected; 0 disables. */
  idleOwnerTimeoutMs?: number;
  logger?: { warn(message: string): void } | undefined;
}

export interface PgliteServer {
  /** `postgres://` URL with the credentials, for any client on this machine. */
  readonly url: string;
  readonly port: number;
  stats(): { connections: number; waiting: number };
  /** Stops listening, drops every client (rolling back their transactions). Leaves PGlite open. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 16;
export const DEFAULT_IDLE_OWNER_TIMEOUT_MS = 60_000;

export async function startPgliteServer(options: PgliteServerOptions): Promise<PgliteServer> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const password = options.password === undefined ? randomBytes(18).toString('base64url') : options.password;
  const session: SharedSession = {
    db: options.db,
    lock: new SessionLock(),
    password,
    greeting: await captureGreeting(options.db),
    idleOwnerTimeoutMs: options.idleOwnerTimeoutMs ?? DEFAULT_IDLE_OWNER_TIMEOUT_MS,
    settingsOwner: null,
    warn: (message) => options.logger?.warn(message),
  };
  const connections = new Set<PgliteConnection>();

  const server = createServer((socket) => {
    // Over the limit, the client still gets a proper FATAL after its startup packet, like from PostgreSQL.
    const connection = new PgliteConnection(socket, session, connections.size >= maxConnections);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });
  const port = await listen(server, host, options.port ?? 0);
  const auth = password === null ? 'postgres' : `postgres:${encodeURIComponent(password)}`;
  const url = `postgres://${auth}@${host.includes(':') ? `[${host}]` : host}:${port}/postgres`;

  return {
    url,
    port,
    stats: () => ({ connections: connections.size, waiting: session.lock.waiting }),
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.destroy();
      await Promise.all([...connections].map((c) => c.closed));
      await stopped;
    },
  };
}

/** What PGlite answers a StartupMessage, minus the BackendKeyData and ReadyForQuery each client gets its own of. */
async function captureGreeting(db: PGlite): Promise<Buffer> {
  await db.waitReady;
  const chunks: Buffer[] = [];
  await db.runExclusive(() =>
    db.execProtocolRawStream(startupMessage({ user: 'postgres', database: 'postgres' }), {
      onRawData: (chunk) => chunks.push(Buffer.from(chunk)),
    }),
  );
  const kept = splitMessages(Buffer.concat(chunks)).filter(
    (m) => m[0] === AUTHENTICATION || m[0] === PARAMETER_STATUS,
  );
  return Buffer.concat(kept);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
