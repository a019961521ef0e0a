/**
 * The audit log's Merkle tree (modules/audit/README.md, "The tree"), on PostgreSQL when DATABASE_URL is set
 * and on PGlite otherwise:
 *
 * 1. Ingestion at the database: `audit_append` as it is (chain + tree) against the function before the tree
 *    (chain only, migration …_audit_append_columns, installed beside it for the run) and a raw multi-row
 *    INSERT of the same rows, in batches of 500, at 1 and 4 senders. Every path's arguments (column arrays,
 *    digests, INSERT parameters) are made before its clock starts, and the paths take turns in slices.
 * 2. Proofs over a tree of BENCH_MERKLE_EVENTS events (default 1,000,000, appended through audit_append):
 *    an inclusion proof of a random event against the latest size, and a consistency proof between two
 *    random sizes, each through `services.audit` (SQL and hashing): p50/p95 of 2,000.
 * 3. `verifyAuditLog` of the whole log (chain walk with its keyed commitments, leaves, tree, heads) in
 *    events/s, against `sha256sum` of the same bytes (every event's canonical JSON, written to a file).
 *
 * `pnpm bench audit-merkle` (also part of `pnpm bench audit`). Figures only; nothing is asserted.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7 } from '../packages/api/src/db/uuid.ts';
import { AUDIT_APPEND_V3 } from '../packages/api/src/migrations/Migration20261123220000_audit_append_columns.ts';
import { APPEND, AuditService } from '../packages/api/src/modules/audit/audit.service.ts';
import { commitmentsOf, leafBytes, prepareDigest } from '../packages/api/src/modules/audit/audit-hash.ts';
import { createPartition, partitionFor } from '../packages/api/src/modules/audit/audit-partitions.ts';
import {
  appendColumns,
  EVENT_COLUMNS,
  type UnchainedEvent,
} from '../packages/api/src/modules/audit/audit-sql.ts';
import { AppSecret } from '../packages/api/src/modules/settings/app-secret.ts';
import { SettingsService } from '../packages/api/src/modules/settings/settings.service.ts';
import { testSigner } from '../packages/api/test/audit/support.ts';
import { createTestDatabase } from '../packages/api/test/support/database.ts';
import { printTable, ratio } from './support/table.ts';

const pg = createRequire(new URL('../packages/api/package.json', import.meta.url))('pg') as {
  Pool: new (options: { connectionString: string; max: number }) => Pool;
};
interface Pool {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

const BATCH = 500;
const INGEST = Number(process.env.BENCH_MERKLE_INGEST ?? 20_000);
const EVENTS = Number(process.env.BENCH_MERKLE_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_MERKLE_RUNS ?? 2_000);
const ROUNDS = 4;

/** Events as the service prepares them (keyed commitments, canonical JSON before the lock). */
function batchOf(mac: (p: string, v: string) => string, tag: string, b: number) {
  const events: UnchainedEvent[] = Array.from({ length: BATCH }, (_, i) => ({
    id: uuidv7(),
    occurredAt: new Date(Date.now() - 60_000 + i),
    actor: String((b * BATCH + i) % 1000),
    onBehalfOf: null,
    sessionKey: 'a'.repeat(64),
    ip: '10.0.0.1',
    userAgent: 'Mozilla/5.0 bench',
    action: i % 3 ? 'message.edited' : 'post.edited',
    targetType: 'message',
    targetId: String(b * BATCH + i),
    metadata: { chatId: `chat${i % 40}`, length: i },
    source: 'extension',
    idempotencyKey: mac('audit-idempotency', `${tag}-${b}-${i}`),
    sealed: null,
  }));
  const digests: string[] = [];
  for (const e of events) {
    const d = prepareDigest(e, commitmentsOf(e, mac))!;
    digests.push(d.head, d.tail);
  }
  return [events.map((e) => e.idempotencyKey), digests.join('\u001f'), false, null, ...appendColumns(events)];
}

async function pooled(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
  return performance.now() - t;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
}

export default async function bench() {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const dir = await mkdtemp(path.join(tmpdir(), 'b24-bench-merkle-'));
  try {
    const em = () => db.orm.em.fork();
    const secret = AppSecret.fromBytes(randomBytes(32));
    const mac = (p: string, v: string) => secret.mac(p, v);
    const audit = new AuditService(() => secret, new SettingsService(), {
      signer: testSigner(),
      headIntervalMs: 0,
    });
    await em().transactional((tx) => createPartition(tx, partitionFor(new Date())));
    // The function before the tree, on a head row of its own (id 2), so it leaves log 1's tree alone.
    await pool.query(
      AUDIT_APPEND_V3.replace('function audit_append(', 'function audit_append_chain_only(').replaceAll(
        'where id = 1',
        'where id = 2',
      ),
    );
    await pool.query(
      `insert into audit_chain (id, seq, hash, checkpoint_seq, checkpoint_hash, tree_frontier)
       values (2, 0, repeat('0', 64), 0, repeat('0', 64), '')`,
    );
    const chainOnly = APPEND.replace('select audit_append(', 'select audit_append_chain_only(');
    const console_ = `${db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}`;

    // 1. Ingestion.
    const table: (string | number)[][] = [['path', 'senders', 'events', 'events/s', 'vs raw']];
    let tag = 0;
    for (const senders of [1, 4]) {
      const ms = { merkle: 0, chain: 0, raw: 0 };
      const batches = INGEST / BATCH;
      const perRound = Math.ceil(batches / ROUNDS);
      for (let from = 0; from < batches; from += perRound) {
        const n = Math.min(perRound, batches - from);
        const merkle = Array.from({ length: n }, (_, b) => batchOf(mac, `m${tag}`, b));
        ms.merkle += await pooled(n, senders, (b) => pool.query(APPEND, merkle[b]));
        const chain = Array.from({ length: n }, (_, b) => batchOf(mac, `c${tag}`, b));
        ms.chain += await pooled(n, senders, (b) => pool.query(chainOnly, chain[b]));
        // The raw path inserts the rows the Merkle path just stored, under new ids.
        const rows = (
          await pool.query(
            `select ${EVENT_COLUMNS} from audit_event order by received_at desc, seq desc limit $1`,
            [n * BATCH],
          )
        ).rows;
        const inserts = Array.from({ length: n }, (_, b) => {
          const params: unknown[] = [];
          const values = rows.slice(b * BATCH, (b + 1) * BATCH).map((row) => {
            const cells = EVENT_COLUMNS.split(', ').map((c) => {
              params.push(c === 'id' ? uuidv7() : c === 'metadata' ? JSON.stringify(row[c]) : row[c]);
              return `$${params.length}`;
            });
            return `(${cells.join(', ')})`;
          });
          return { text: `insert into audit_event (${EVENT_COLUMNS}) values ${values.join(', ')}`, params };
        });
        ms.raw += await pooled(n, senders, (b) => pool.query(inserts[b]!.text, inserts[b]!.params));
        tag++;
      }
      const rate = (t: number) => INGEST / (t / 1000);
      table.push(
        [
          'audit_append: chain + Merkle tree',
          senders,
          INGEST,
          Math.round(rate(ms.merkle)),
          ratio(rate(ms.merkle), rate(ms.raw)),
        ],
        [
          'audit_append before the tree (chain)',
          senders,
          INGEST,
          Math.round(rate(ms.chain)),
          ratio(rate(ms.chain), rate(ms.raw)),
        ],
        ['raw multi-row INSERT', senders, INGEST, Math.round(rate(ms.raw)), '×1.00'],
      );
    }
    printTable(`ingestion at the database (${console_}), batches of ${BATCH}`, table);
    console.log('target: the Merkle path ≥ ×0.90 of raw at 1 and 4 senders');

    // 2. A tree of EVENTS events, made the way the log is (the bench's own rows above are dropped first).
    await pool.query('truncate audit_event, audit_leaf, audit_tile, audit_tree_head, audit_idempotency_key');
    await pool.query(
      `update audit_chain set seq = 0, hash = repeat('0', 64), last_event_id = null, tree_frontier = ''`,
    );
    const seedStart = performance.now();
    const seedBatches = Math.ceil(EVENTS / BATCH);
    for (let from = 0; from < seedBatches; from += 40) {
      const n = Math.min(40, seedBatches - from);
      const args = Array.from({ length: n }, (_, b) => batchOf(mac, 'seed', from + b));
      await pooled(n, 2, (b) => pool.query(APPEND, args[b]));
    }
    const size = seedBatches * BATCH;
    console.log(
      `\nseeded ${size.toLocaleString('en')} events through audit_append in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
    );
    await pool.query('vacuum (analyze)');
    await audit.treeHead(em());
    const ids = (await pool.query('select id from audit_event order by random() limit 500')).rows.map(
      (r) => r.id as string,
    );
    const events = await Promise.all(ids.map(async (id) => (await audit.event(em(), id))!));
    const inclusion: number[] = [];
    const consistency: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const event = events[i % events.length]!;
      let t = performance.now();
      await audit.eventProof(em(), event, size);
      inclusion.push(performance.now() - t);
      const a = 1 + Math.floor(Math.random() * (size - 1));
      const b = a + Math.floor(Math.random() * (size - a + 1));
      t = performance.now();
      await audit.consistency(em(), a, b);
      consistency.push(performance.now() - t);
    }
    printTable(`proofs in a tree of ${size.toLocaleString('en')} leaves (${console_}), ${RUNS} each`, [
      ['proof', 'p50 ms', 'p95 ms', 'target'],
      [
        'inclusion (random event, latest size)',
        percentile(inclusion, 0.5),
        percentile(inclusion, 0.95),
        '≤ 5 ms',
      ],
      [
        'consistency (two random sizes)',
        percentile(consistency, 0.5),
        percentile(consistency, 0.95),
        '≤ 10 ms',
      ],
    ]);

    // 3. Verification of everything against sha256sum of the same bytes.
    let t = performance.now();
    const verified = await audit.verify(em());
    const verifyMs = performance.now() - t;
    if (!verified.ok) throw new Error(JSON.stringify(verified.problem));
    const file = path.join(dir, 'leaves.bin');
    const out = createWriteStream(file);
    for (let from = 0; from < size; from += 20_000) {
      const rows = (
        await pool.query(
          `select ${EVENT_COLUMNS} from audit_event where seq > $1 and seq <= $2 order by seq`,
          [from, from + 20_000],
        )
      ).rows;
      const { toRecord } = await import('../packages/api/src/modules/audit/audit-sql.ts');
      for (const row of rows) {
        const e = toRecord(row as never);
        if (!out.write(leafBytes(e, commitmentsOf(e, mac)))) await new Promise((r) => out.once('drain', r));
      }
    }
    await new Promise((r) => out.end(r));
    const bytes = (await stat(file)).size;
    t = performance.now();
    execFileSync('sha256sum', [file]);
    const shaMs = performance.now() - t;
    const perSecond = (ms: number) => Math.round(verified.treeSize / (ms / 1000));
    printTable(
      `verifyAuditLog of ${verified.treeSize.toLocaleString('en')} events (${(bytes / 1e6).toFixed(0)} MB of leaf bytes)`,
      [
        ['path', 'seconds', 'events/s', 'vs sha256sum'],
        [
          'services.audit.verify (chain, leaves, tree, heads)',
          verifyMs / 1000,
          perSecond(verifyMs),
          ratio(perSecond(verifyMs), perSecond(shaMs)),
        ],
        ['sha256sum of the same bytes', shaMs / 1000, perSecond(shaMs), '×1.00'],
      ],
    );
  } finally {
    await pool.end();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
