import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { AuditService, type AuditServiceOptions } from '../../src/modules/audit/audit.service.ts';
import { GENESIS_HASH } from '../../src/modules/audit/audit-hash.ts';
import type { AuditEventDraft } from '../../src/modules/audit/audit-record.ts';
import { signerFrom, type TreeHeadSigner } from '../../src/modules/audit/audit-signer.ts';
import { sql } from '../../src/modules/audit/audit-sql.ts';
import { AppSecret } from '../../src/modules/settings/app-secret.ts';
import { SettingsService } from '../../src/modules/settings/settings.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { mth } from './rfc9162.ts';

export interface AuditFixture {
  db: TestDatabase;
  audit: AuditService;
  secret: AppSecret;
  /** The secret as APP_SECRET takes it, for CLI processes that check this log. */
  secretBase64: string;
  em(): EntityManager;
  /** Raw SQL outside any transaction (tampering, inspection). */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** Empties the log and resets the chain and the tree to their genesis. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function auditFixture(options: AuditServiceOptions = {}): Promise<AuditFixture> {
  const db = await createTestDatabase();
  const secretBase64 = randomBytes(32).toString('base64');
  const secret = AppSecret.fromBytes(Buffer.from(secretBase64, 'base64'));
  const audit = new AuditService(() => secret, new SettingsService(), options);
  const em = () => db.orm.em.fork();
  return {
    db,
    audit,
    secret,
    secretBase64,
    em,
    sql: (query, params = []) => sql(em(), query, params),
    async reset() {
      await sql(em(), 'delete from audit_event');
      await sql(em(), 'delete from audit_idempotency_key');
      await sql(em(), 'delete from audit_leaf');
      await sql(em(), 'delete from audit_tile');
      await sql(em(), 'delete from audit_tree_head');
      await sql(
        em(),
        `update audit_chain set seq = 0, hash = ?, last_event_id = null, checkpoint_seq = 0, checkpoint_hash = ?, checkpoint_at = null, tree_frontier = ''`,
        [GENESIS_HASH, GENESIS_HASH],
      );
    },
    close: () => db.close(),
  };
}

export function draft(i: number, overrides: Partial<AuditEventDraft> = {}): AuditEventDraft {
  return {
    action: 'message.edited',
    occurredAt: new Date(Date.UTC(2026, 10, 1, 12, 0, i)),
    actorId: 10 + (i % 3),
    sessionToken: `session-${i % 2}`,
    ip: '192.0.2.7',
    userAgent: 'Mozilla/5.0 test',
    target: { type: 'message', id: String(1000 + i) },
    metadata: { chatId: 7, n: i },
    source: 'extension',
    idempotencyKey: `key-${i}`,
    ...overrides,
  };
}

export function drafts(n: number, from = 0): AuditEventDraft[] {
  return Array.from({ length: n }, (_, i) => draft(from + i));
}

/** An Ed25519 signer of its own, as the weekly reports' key would sign; its public key PEM is exposed. */
export function testSigner(): TreeHeadSigner & { publicKeyPem: string } {
  const pair = generateKeyPairSync('ed25519');
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { ...signerFrom(async () => ({ publicKeyPem, privateKey: pair.privateKey })), publicKeyPem };
}

type RawSql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;

/**
 * What an insider with the database does to drop the log's tail unseen: deletes the events past `size`
 * (and their idempotency keys, leaves and the stored heads) and rewinds the chain head and the tree's
 * frontier to what the writer would have left at `size`.
 */
export async function rewindLog(sql: RawSql, size: number): Promise<void> {
  const leaves = (
    await sql<{ hash: Buffer }>('select hash from audit_leaf where idx < ? order by idx', [size])
  ).map((r) => Buffer.from(r.hash));
  const frontier: Buffer[] = [];
  for (let at = 0, rest = size; rest > 0; ) {
    const width = 2 ** Math.floor(Math.log2(rest));
    frontier.push(mth(leaves.slice(at, at + width)));
    at += width;
    rest -= width;
  }
  const [last] = await sql<{ id: string; hash: string }>('select id, hash from audit_event where seq = ?', [
    size,
  ]);
  await sql(
    'delete from audit_idempotency_key k using audit_event e where e.seq > ? and e.idempotency_key = k.key',
    [size],
  );
  await sql('delete from audit_event where seq > ?', [size]);
  await sql('delete from audit_leaf where idx >= ?', [size]);
  await sql('delete from audit_tree_head');
  await sql(`update audit_chain set seq = ?, hash = ?, last_event_id = ?, tree_frontier = decode(?, 'hex')`, [
    size,
    last!.hash,
    last!.id,
    Buffer.concat(frontier).toString('hex'),
  ]);
}

/**
 * The retention event an insider appends (through audit_append, holding the app secret) to warrant a
 * forged checkpoint: events up to `throughSeq` "purged" as older than 400 days.
 */
export function forgedPurge(throughSeq: number, checkpointHash: string): AuditEventDraft {
  return {
    action: 'audit.retention.purged',
    actorId: null,
    source: 'api',
    metadata: {
      partitions: ['audit_event_p202511'],
      throughSeq,
      checkpointHash,
      cutoff: new Date(Date.now() - 400 * 86_400_000).toISOString(),
      retentionDays: 400,
    },
  };
}
