import type { EntityManager } from '@mikro-orm/core';
import { inTransaction } from './audit-chain.ts';
import { commitMetadata, commitPseudonymisedMetadata, type Mac } from './audit-hash.ts';
import { ERASED_TEXT } from './audit-metadata-rule.ts';
import type { Sealed } from './audit-record.ts';
import { sql } from './audit-sql.ts';

/** An audit target (`post`, `comment`, `message`, `task_comment` and the portal's id). */
export interface AuditTarget {
  type: string;
  id: string;
}

interface HashedRow {
  id: string;
  received_at: Date | string;
  metadata: Record<string, unknown> | string;
  sealed: Sealed | string | null;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * Once erasure has deleted the texts of these items, the events about their edits keep no fingerprint of
 * them: an unkeyed SHA-256 (`metadata.textHash`) would confirm a guessed text. It becomes `[erased]`, and
 * the metadata is sealed as pseudonymisation seals it (audit-pseudonymise.ts): the keyed commitment of
 * the original stays in `sealed.metadata`, so the chain still verifies. Idempotent; returns the events changed.
 */
export async function eraseTextHashes(
  em: EntityManager,
  targets: readonly AuditTarget[],
  mac: Mac,
): Promise<number> {
  if (targets.length === 0) return 0;
  return inTransaction(em, async (tx) => {
    const rows = await sql<HashedRow>(
      tx,
      `select e.id, e.received_at, e.metadata, e.sealed
         from audit_event e
         join jsonb_to_recordset(?::jsonb) as t(type text, id text) on e.target_type = t.type and e.target_id = t.id
        where e.metadata->>'textHash' is not null and e.metadata->>'textHash' <> ?`,
      [JSON.stringify(targets), ERASED_TEXT],
    );
    if (rows.length === 0) return 0;
    const updates = rows.map((row) => {
      const metadata = json(row.metadata);
      const erased = { ...metadata, textHash: ERASED_TEXT };
      const sealed: Sealed = { ...json(row.sealed) };
      sealed.metadata ??= commitMetadata(row.id, metadata, mac);
      sealed.pseudonymisedMetadata = commitPseudonymisedMetadata(row.id, erased, mac);
      return { id: row.id, received_at: new Date(row.received_at).toISOString(), metadata: erased, sealed };
    });
    await sql(
      tx,
      `update audit_event e set metadata = v.metadata, sealed = v.sealed
         from json_to_recordset(?::json) as v(id uuid, received_at timestamptz, metadata jsonb, sealed jsonb)
        where e.id = v.id and e.received_at = v.received_at`,
      [JSON.stringify(updates)],
    );
    return updates.length;
  });
}
