/**
 * The audit log at volume, on PostgreSQL when DATABASE_URL is set and on PGlite otherwise:
 *
 * 1. Ingestion: `recordEvents` through the whole HTTP + GraphQL stack in batches of 500 (validation,
 *    idempotency keys, chain lock, hashing, one multi-row insert per batch) against a raw multi-row INSERT
 *    of the same rows through `pg` into the same table, in the same run. GraphQL is asked of the API as
 *    `pnpm start` runs it (its own process, a loopback socket) and, for comparison, in the bench's process.
 * 2. Reading: the first page (50 rows) of `auditEvents` with an actor filter and with a time range, over
 *    BENCH_AUDIT_ROWS events (default 1,000,000, spread over 12 monthly partitions), through GraphQL and
 *    through the service, against the same SQL sent raw through `pg`: p95 and the ratio. On PostgreSQL the
 *    API runs that read as a named prepared statement with a generic plan (planned once per connection); the
 *    raw baseline sends it unnamed, as the target is stated, and a prepared raw row (PostgreSQL left
 *    to choose between a generic and a custom plan) shows what planning costs.
 * Requests (GraphQL bodies, INSERT statements and their parameters) are made before each path's clock
 * starts: the figures are the server's work, not a client's.
 *
 * The paths take turns (for reads, each path request by request with a raw baseline of its own; for
 * ingestion, slices of batches) so that the load of other processes on a shared machine falls on each
 * alike; the ratios compare figures of the same run. Each read path is timed over 2,000 requests, which
 * spans several of the API process's major garbage collections (one every few seconds of reading): over
 * 500, whichever path's turn held one looked twice as slow at p95 as the other.
 *
 * `pnpm bench audit`. Figures only; nothing is asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createPartition,
  monthOf,
  partitionFor,
} from '../packages/api/src/modules/audit/audit-partitions.ts';
import { EVENT_COLUMNS } from '../packages/api/src/modules/audit/audit-sql.ts';
import { startTestApi, type TestApi } from '../packages/api/test/support/api.ts';
import { spawnApi } from '../tests/support/api-process.ts';
import { printTable, ratio } from './support/table.ts';

// `pg` is the API package's dependency, not the workspace root's.
const pg = createRequire(new URL('../packages/api/package.json', import.meta.url))('pg') as {
  Pool: new (options: { connectionString: string; max: number }) => Pool;
};
interface Pool {
  query(
    sql: string | { name: string; text: string; values: unknown[] },
    params?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
}

const BATCH = 500;
const INGEST_EVENTS = Number(process.env.BENCH_AUDIT_INGEST ?? 40_000);
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const ACTORS = 1_000;
const CONCURRENCY = Number(process.env.BENCH_AUDIT_CONCURRENCY ?? 4);
const QUERY_RUNS = Number(process.env.BENCH_AUDIT_QUERY_RUNS ?? 2_000);
const INGEST_ROUNDS = 4;
const WARM_UP = Number(process.env.BENCH_AUDIT_WARM_UP ?? 200);
const SETTLE = Math.ceil(WARM_UP / 4);
const INGEST_WARM_UP = Number(process.env.BENCH_AUDIT_INGEST_WARM_UP ?? 20);

const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) { __typename ... on RecordEventsResult { stored duplicates } }
}`;

const PAGE = `query ($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 50) {
    __typename ... on QueryAuditEventsConnection { edges { node { id seq occurredAt actor action } } }
  }
}`;

function batchOf(b: number, round = 0) {
  const start = Date.now() - 600_000;
  return Array.from({ length: BATCH }, (_, i) => ({
    idempotencyKey: `bench-${round}-${b}-${i}`,
    action: i % 3 ? 'message.edited' : 'post.edited',
    occurredAt: new Date(start + b * BATCH + i).toISOString(),
    sessionToken: `sess-${b % 7}`,
    targetType: 'message',
    targetId: String(b * BATCH + i),
    metadata: { chatId: `chat${i % 40}`, length: i },
  }));
}

/** Runs `work(0..n-1)` with `concurrency` workers taking the next index. */
async function pooled(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
  return performance.now() - t;
}

async function ingestion(api: TestApi, pool: Pool, http: LoopbackClient) {
  const token = await api.tokenFor(5);
  let round = 0;
  const check = (response: { data?: { recordEvents?: { stored?: number } } }) => {
    if (response.data?.recordEvents?.stored !== BATCH) throw new Error(JSON.stringify(response));
  };
  /** The request bodies of a slice, made before its clock starts: a client's work, not the API's. */
  const bodies = (from: number, n: number, r: number) =>
    Array.from({ length: n }, (_, b) =>
      JSON.stringify({ query: RECORD, variables: { events: batchOf(from + b, r) } }),
    );
  const inProcess = async (body: string) => {
    const response = await api.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    check(await response.json());
  };
  const overSocket = async (body: string) => check(await http.post(body, token));
  const columns = EVENT_COLUMNS.split(', ');
  /** One multi-row INSERT of the rows (new ids), its text and parameters made before the clock starts. */
  const insertOf = (slice: Record<string, unknown>[]) => {
    const params: unknown[] = [];
    const values = slice.map((row) => {
      const cells = columns.map((c) => {
        params.push(c === 'id' ? randomUUID() : c === 'metadata' ? JSON.stringify(row[c]) : row[c]);
        return `$${params.length}`;
      });
      return `(${cells.join(', ')})`;
    });
    return { text: `insert into audit_event (${EVENT_COLUMNS}) values ${values.join(', ')}`, params };
  };
  /** The rows as batches of BATCH, one INSERT each. */
  const insertsOf = (rows: Record<string, unknown>[]) =>
    Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, b) =>
      insertOf(rows.slice(b * BATCH, (b + 1) * BATCH)),
    );
  const raw = async (insert: { text: string; params: unknown[] }) => {
    await pool.query(insert.text, insert.params);
  };
  /** The rows recordEvents just stored, to be inserted again (new ids) by the raw path. */
  const stored = async (n: number) =>
    (
      await pool.query(
        `select ${EVENT_COLUMNS} from audit_event where actor = '5' order by seq desc limit $1`,
        [n],
      )
    ).rows.reverse();

  // Warm-up of every path (partition, caches, pool connections, sockets), long enough for V8 to have
  // optimised the hot code, as it has in an API that has been running: the first batches take twice as long.
  for (const body of bodies(-1, INGEST_WARM_UP, round++)) await inProcess(body);
  for (const body of bodies(-1, INGEST_WARM_UP, round++)) await overSocket(body);
  for (const insert of insertsOf(await stored(INGEST_WARM_UP * BATCH))) await raw(insert);

  // The paths take turns in ROUNDS slices, so a change in the machine's load (2 shared cores) or the
  // table's growth falls on all; each raw slice inserts the very rows the GraphQL slice before it stored.
  // Each slice has its own round in the idempotency keys, so no path's events are duplicates of another's.
  const batches = INGEST_EVENTS / BATCH;
  const perRound = Math.ceil(batches / INGEST_ROUNDS);
  const table: (string | number)[][] = [['path', 'concurrency', 'events', 'seconds', 'events/s', 'vs raw']];
  for (const concurrency of [1, CONCURRENCY]) {
    let inProcessMs = 0;
    let socketMs = 0;
    let rawMs = 0;
    let events = 0;
    for (let from = 0; from < batches; from += perRound) {
      const n = Math.min(perRound, batches - from);
      const local = bodies(from, n, round++);
      inProcessMs += await pooled(n, concurrency, (b) => inProcess(local[b]!));
      const remote = bodies(from, n, round++);
      socketMs += await pooled(n, concurrency, (b) => overSocket(remote[b]!));
      const inserts = insertsOf(await stored(n * BATCH));
      rawMs += await pooled(n, concurrency, (b) => raw(inserts[b]!));
      events += n * BATCH;
    }
    const rate = (ms: number) => events / (ms / 1000);
    const row = (path: string, ms: number) => [
      path,
      concurrency,
      events,
      ms / 1000,
      Math.round(rate(ms)),
      ratio(rate(ms), rate(rawMs)),
    ];
    table.push(
      row('recordEvents, API process (socket)', socketMs),
      row('recordEvents in process (app.fetch)', inProcessMs),
      row('raw multi-row INSERT through pg', rawMs),
    );
  }
  printTable(
    `ingestion: ${INGEST_EVENTS.toLocaleString('en')} events per path in batches of ${BATCH}`,
    table,
  );
  console.log('targets: recordEvents ≥ 50% of raw and ≥ 10,000 events/s on PostgreSQL');
  console.log(
    '"API process": the API as `pnpm start` runs it, in a process of its own, over a loopback socket.\n' +
      '"in process": app.fetch in the bench\'s own process, as the tests call it (WHATWG objects, no socket).\n' +
      "Each path's requests (GraphQL bodies, INSERT statements) are made before its clock starts.",
  );
}

/** Seeds ROWS events server-side over the last 12 months (hashes are not checked by reads). */
async function seed(api: TestApi, pool: Pool): Promise<Date> {
  const now = new Date();
  const em = api.services.orm.em.fork();
  await em.transactional(async (tx) => {
    for (let m = -12; m <= 0; m++) await createPartition(tx, partitionFor(monthOf(now, m)));
  });
  const span = 360 * 86_400_000;
  const start = new Date(now.getTime() - span);
  const chunk = 100_000;
  for (let from = 0; from < ROWS; from += chunk) {
    await pool.query(
      `insert into audit_event (${EVENT_COLUMNS})
       select gen_random_uuid(), 1000000 + g, t - interval '2 seconds', t,
              (g % $4)::text, case when g % 50 = 0 then ((g + 1) % $4)::text end,
              md5((g % 5000)::text) || md5((g % 5000)::text),
              '10.0.' || (g % 200) || '.' || (g % 250), 'Mozilla/5.0 bench',
              (array['message.edited', 'post.edited', 'message.deleted', 'auth.signin'])[1 + g % 4],
              'message', g::text, jsonb_build_object('n', g), 'extension', null, null,
              repeat('0', 64), repeat('f', 64)
         from generate_series($1::int, $2::int) g,
              lateral (select $3::timestamptz + (g * ($5::float8 / $6)) * interval '1 millisecond' as t) x`,
      [from, Math.min(from + chunk, ROWS) - 1, start, ACTORS, span, ROWS],
    );
  }
  // The whole database vacuumed and analysed now (the seeded partitions, and what ingestion left: the
  // idempotency keys, the chain head's dead versions, pg-boss's tables), so autovacuum does not take one
  // of the two cores from whichever path is being timed; and checkpointed, or the checkpointer would
  // spend the next minutes writing the seeded gigabyte out under the first reads.
  await pool.query('vacuum (analyze)');
  await pool.query('checkpoint');
  return start;
}

/** Nearest-rank percentile: the smallest sample that at least p of all samples do not exceed. */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
}

/**
 * Times each path QUERY_RUNS times, the paths taking turns request by request, so the load other processes
 * put on the machine falls on all of them alike.
 */
async function timedTogether(paths: (() => Promise<unknown>)[]): Promise<number[][]> {
  const samples = paths.map((): number[] => []);
  for (let i = 0; i < QUERY_RUNS; i++) {
    for (const [k, run] of paths.entries()) {
      const t = performance.now();
      await run();
      samples[k]!.push(performance.now() - t);
    }
  }
  return samples;
}

async function reading(api: TestApi, pool: Pool, start: Date, http: LoopbackClient) {
  const token = await api.tokenFor(1);
  const day = new Date(start.getTime() + 180 * 86_400_000);
  const cases = [
    {
      name: 'actor filter',
      filter: { actor: '417' },
      sql: `select ${EVENT_COLUMNS} from audit_event where actor = $1 order by occurred_at desc, id desc limit 51`,
      params: ['417'],
    },
    {
      name: 'time range (1 day)',
      filter: {
        occurredFrom: day.toISOString(),
        occurredTo: new Date(day.getTime() + 86_400_000).toISOString(),
      },
      sql: `select ${EVENT_COLUMNS} from audit_event where occurred_at >= $1 and occurred_at < $2
            order by occurred_at desc, id desc limit 51`,
      params: [day, new Date(day.getTime() + 86_400_000)],
    },
  ];
  const rows: (string | number)[][] = [['query', 'path', 'rows', 'p50 ms', 'p95 ms', 'p95 vs raw']];
  const p95 = (s: number[]) => percentile(s, 0.95);
  const median = (s: number[]) => percentile(s, 0.5);
  const pairs: {
    c: (typeof cases)[number];
    name: string;
    raw: () => Promise<number>;
    run: () => Promise<number>;
    rawRows: () => number;
  }[] = [];
  for (const [k, c] of cases.entries()) {
    let rawRows = 0;
    const raw = async () => {
      rawRows = (await pool.query(c.sql, c.params)).rowCount ?? 0;
      return rawRows;
    };
    const body = JSON.stringify({ query: PAGE, variables: { filter: c.filter } });
    const paths: [string, () => Promise<number>][] = [
      [
        // What planning costs: the API prepares this read (on PostgreSQL), the raw baseline does not.
        'raw SQL through pg, prepared',
        async () =>
          (await pool.query({ name: `bench-read-${k}`, text: c.sql, values: c.params })).rowCount ?? 0,
      ],
      [
        'services.audit.query',
        async () =>
          (await api.services.audit.query(api.services.orm.em.fork(), c.filter as never, 50)).edges.length,
      ],
      [
        'auditEvents via HTTP + GraphQL',
        async () =>
          (await api.gql(PAGE, { filter: c.filter }, { token })).data?.auditEvents?.edges?.length ?? -1,
      ],
      [
        'auditEvents, API process (socket)',
        async () => (await http.post(body, token)).data?.auditEvents?.edges?.length ?? -1,
      ],
    ];
    for (const [name, run] of paths) pairs.push({ c, name, raw, run, rawRows: () => rawRows });
  }
  // Every path of every case is warmed up before any is timed (a long-running API has its hot paths
  // compiled), so what the seed left for the machine to finish falls on no case in particular.
  for (let i = 0; i < WARM_UP; i++) {
    for (const pair of pairs) {
      await pair.raw();
      await pair.run();
    }
  }
  // Each path takes turns with its own raw baseline: timed together, the bench process's own GraphQL
  // work (its garbage, its caches) would also land on the requests of the API process.
  for (const { c, name, raw, run, rawRows } of pairs) {
    // And again briefly right before its turn: the first requests after another pair's thousand meet the
    // garbage that pair left in the bench process and the API's caches turned to other work.
    for (let i = 0; i < SETTLE; i++) {
      await raw();
      await run();
    }
    let answered = 0;
    const [base, timed] = (await timedTogether([
      raw,
      async () => {
        answered = await run();
      },
    ])) as [number[], number[]];
    rows.push([c.name, 'raw SQL through pg', rawRows(), median(base), p95(base), '×1.00']);
    rows.push([c.name, name, answered, median(timed), p95(timed), ratio(p95(timed), p95(base))]);
  }
  printTable(`auditEvents first page (50) over ${ROWS.toLocaleString('en')} events in 13 partitions`, rows);
  console.log('targets: p95 ≤ 2× raw and ≤ 20 ms');
  console.log(
    '"via HTTP + GraphQL" calls the app in the bench\'s process with WHATWG Request/Response objects (as the\n' +
      'tests do); "API process" is the API as `pnpm start` runs it, in a process of its own, asked over a\n' +
      'loopback socket by a keep-alive node:http client; raw SQL crosses a loopback socket to PostgreSQL too.\n' +
      '"prepared": a named statement, as the API runs this read on PostgreSQL, where the API also tells\n' +
      'PostgreSQL to keep its generic plan (plan_cache_mode); the raw prepared row leaves PostgreSQL to choose.',
  );
}

interface LoopbackClient {
  /** POSTs a JSON body (already serialised) to /graphql. */
  post(
    body: string,
    token: string,
  ): Promise<{ data?: { auditEvents?: { edges?: unknown[] }; recordEvents?: { stored?: number } } }>;
  close(): Promise<void>;
}

/**
 * The API as `pnpm start` runs it, in a process of its own on 127.0.0.1 (its own sandbox portal, the
 * bench's database), and a keep-alive client for it. Deployed, the API shares its event loop with no client,
 * so the client's work (JSON of 500 events, parsing answers) is not counted against it here either.
 */
async function startApart(api: TestApi): Promise<LoopbackClient> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'b24-bench-api-'));
  const apart = spawnApi({ DATABASE_URL: api.databaseUrl, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  const ready = await apart.waitForLog(/^GraphQL API and GraphiQL: /);
  const { port } = new URL(ready.slice(ready.indexOf('http')));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return {
    post: (body, token) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: Number(port),
            path: '/graphql',
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: `Bearer ${token}`,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: async () => {
      agent.destroy();
      apart.child.kill('SIGTERM');
      await apart.exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function run(): Promise<void> {
  const api = await startTestApi({ jobs: false });
  const pool = new pg.Pool({ connectionString: api.databaseUrl, max: CONCURRENCY });
  const http = await startApart(api);
  try {
    console.log(
      `database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite (in-memory, loopback server)'}`,
    );
    await ingestion(api, pool, http);
    const t = performance.now();
    const start = await seed(api, pool);
    console.log(
      `\nseeded ${ROWS.toLocaleString('en')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    await reading(api, pool, start, http);
  } finally {
    await http.close();
    await pool.end();
    await api.close();
  }
}
