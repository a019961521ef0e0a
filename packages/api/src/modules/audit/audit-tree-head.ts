import { verify } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../../errors.ts';
import { keyValidAt, type PublishedKey } from '../keys/public-keys.ts';
import { readHead } from './audit-chain.ts';
import type { TreeHeadSigner } from './audit-signer.ts';
import { boundSql } from './audit-sql.ts';
import { hashRanges, LOG_ID } from './audit-tree-store.ts';

/**
 * A signed tree head: the log's size and root at a time, signed with the log's Ed25519 key. The signature
 * covers `headBytes` (docs/audit-proofs.md), five lines of UTF-8 text each ended by "\n":
 *
 *   b24-gdpr audit tree head v1
 *   <log id, decimal>
 *   <tree size, decimal>
 *   <root hash, 64 lowercase hex digits>
 *   <timestamp, ISO 8601 UTC with milliseconds: 2026-12-07T12:00:00.000Z>
 */
export interface TreeHead {
  logId: number;
  treeSize: number;
  /** Hex. */
  rootHash: string;
  /** The database clock when the size was read. */
  timestamp: string;
  keyId: string;
  /** Base64 Ed25519 signature of `headBytes`. */
  signature: string;
}

export const HEAD_FORMAT = 'b24-gdpr audit tree head v1';

export function headBytes(head: Pick<TreeHead, 'logId' | 'treeSize' | 'rootHash' | 'timestamp'>): Buffer {
  return Buffer.from(
    `${HEAD_FORMAT}\n${head.logId}\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`,
  );
}

/**
 * Whether `head` is signed by the published key it names that was valid at its timestamp (keys rotate:
 * `keyValidAt`); a reason when it is not.
 */
export function headSignatureProblem(head: TreeHead, keys: readonly PublishedKey[]): string | null {
  const key = keyValidAt(keys, head.keyId, head.timestamp);
  if (typeof key === 'string') return key;
  try {
    if (verify(null, headBytes(head), key.publicKeyPem, Buffer.from(head.signature, 'base64'))) return null;
  } catch {
    // a malformed signature fails like a wrong one
  }
  return `the signature does not verify with key ${key.keyId}`;
}

/** The root of the log's first `size` leaves, from the stored leaves and tiles. */
export async function rootAt(em: EntityManager, size: number, logId = LOG_ID): Promise<string> {
  const [root] = await hashRanges(em, [{ begin: 0, end: size }], logId);
  return root!.toString('hex');
}

interface HeadRow {
  log_id: number;
  tree_size: string;
  root_hash: Buffer;
  issued_at: Date | string;
  key_id: string;
  signature: Buffer;
}

const toHead = (row: HeadRow): TreeHead => ({
  logId: row.log_id,
  treeSize: Number(row.tree_size),
  rootHash: row.root_hash.toString('hex'),
  timestamp: new Date(row.issued_at).toISOString(),
  keyId: row.key_id,
  signature: row.signature.toString('base64'),
});

const HEAD_COLUMNS = 'log_id, tree_size, root_hash, issued_at, key_id, signature';

/** The heads issued for the log, by size (what the verifier checks and a publisher sends out). */
export async function issuedHeads(em: EntityManager, logId = LOG_ID): Promise<TreeHead[]> {
  const rows = await boundSql<HeadRow>(
    em,
    `select ${HEAD_COLUMNS} from audit_tree_head where log_id = $1 order by tree_size`,
    [logId],
  );
  return rows.map(toHead);
}

/** The head the log issued for this size, if any. */
export async function headOfSize(em: EntityManager, size: number, logId = LOG_ID): Promise<TreeHead | null> {
  const [row] = await boundSql<HeadRow>(
    em,
    `select ${HEAD_COLUMNS} from audit_tree_head where log_id = $1 and tree_size = $2`,
    [logId, size],
  );
  return row ? toHead(row) : null;
}

async function latestIssued(em: EntityManager, logId: number): Promise<TreeHead | null> {
  const [row] = await boundSql<HeadRow>(
    em,
    `select ${HEAD_COLUMNS} from audit_tree_head where log_id = $1 order by tree_size desc limit 1`,
    [logId],
  );
  return row ? toHead(row) : null;
}

/** The log refuses to sign a head its earlier heads contradict: the stored tree was changed under them. */
export class TreeForkedError extends DomainError {
  override name = 'TreeForkedError';
}

/**
 * Signs heads on demand: the latest issued head while the tree has not grown, or grew less than
 * `minIntervalMs` after it was signed (so a busy log signs at most one head per interval, however often it
 * is asked); otherwise a new head, signed only if the stored tree still has the root the latest head
 * gave its size, so this log never signs two heads that contradict each other.
 */
export class TreeHeads {
  readonly #signer: TreeHeadSigner;
  readonly #minIntervalMs: number;

  constructor(signer: TreeHeadSigner, minIntervalMs: number) {
    this.#signer = signer;
    this.#minIntervalMs = minIntervalMs;
  }

  async latest(em: EntityManager, logId = LOG_ID): Promise<TreeHead> {
    const previous = await latestIssued(em, logId);
    const state = await readHead(em);
    const size = state.seq;
    if (
      previous &&
      (previous.treeSize >= size ||
        state.now.getTime() - Date.parse(previous.timestamp) < this.#minIntervalMs)
    )
      return previous;
    if (previous && (await rootAt(em, previous.treeSize, logId)) !== previous.rootHash) {
      throw new TreeForkedError(
        `The stored tree no longer has the root of the head signed at ${previous.timestamp} for size ${previous.treeSize}: it was changed; run audit verify.`,
      );
    }
    const key = await this.#signer.publicKey();
    const unsigned = {
      logId,
      treeSize: size,
      rootHash: await rootAt(em, size, logId),
      timestamp: state.now.toISOString(),
    };
    const signature = (await this.#signer.sign(headBytes(unsigned))).toString('base64');
    const head: TreeHead = { ...unsigned, keyId: key.keyId, signature };
    // Two requests at once may both sign this size: the first stored wins and both answer with it.
    await boundSql(
      em,
      `insert into audit_tree_head (${HEAD_COLUMNS}) values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
      [
        logId,
        size,
        Buffer.from(head.rootHash, 'hex'),
        head.timestamp,
        head.keyId,
        Buffer.from(signature, 'base64'),
      ],
    );
    return (await headOfSize(em, size, logId))!;
  }
}

/**
 * Heads kept outside the database, as an auditor saved them: one head or a list, each as `auditTreeHead`
 * or GET /audit/tree-head gave it (sizes as numbers or decimal strings). Throws naming what is wrong.
 */
export function parseHeads(json: unknown): TreeHead[] {
  const list = Array.isArray(json) ? json : [json];
  return list.map((item, i) => {
    const h = (item ?? {}) as Record<string, unknown>;
    const whole = (name: string) => {
      const value = h[name];
      if ((typeof value === 'number' || typeof value === 'string') && /^\d{1,15}$/.test(String(value)))
        return Number(value);
      throw new Error(`head ${i + 1}: ${name} is not a whole number`);
    };
    const text = (name: string, pattern: RegExp) => {
      const value = h[name];
      if (typeof value === 'string' && pattern.test(value)) return value;
      throw new Error(`head ${i + 1}: ${name} is missing or malformed`);
    };
    return {
      logId: whole('logId'),
      treeSize: whole('treeSize'),
      rootHash: text('rootHash', /^[0-9a-f]{64}$/),
      timestamp: text('timestamp', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      keyId: text('keyId', /^[0-9a-f]{16}$/),
      signature: text('signature', /^[A-Za-z0-9+/]+={0,2}$/),
    };
  });
}
