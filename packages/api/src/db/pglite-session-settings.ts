import type { PGlite } from '@electric-sql/pglite';
import { simpleQuery } from './pg-wire.ts';

/**
 * SESSION SETTINGS PER CONNECTION on the one PGlite session. A client's `SET search_path = ''` (pg_dump
 * does exactly this) would otherwise apply to every other client until it is undone: the API's next query
 * then fails on "relation does not exist". So a connection that changes a setting gets a snapshot of its
 * session-level settings, taken while it owns the session; when another connection takes the session the
 * settings are reset to the defaults, and the snapshot is replayed when the first one runs again.
 * Connections that never change a setting (ours) cost nothing.
 */

/**
 * A statement that sets a session setting: `SET x`, `SET SESSION x`, `RESET x` at a statement's start, or
 * `set_config(...)` anywhere. `SET LOCAL` and transaction modes end with their transaction; `UPDATE … SET`
 * is not at a statement's start.
 */
const SETS_SESSION =
  /(?:^|;)\s*(?:set\s+(?!local\b|transaction\b|constraints\b)|reset\s)|(?<![\w$])set_config\s*\(/i;

/** Whether a protocol unit may change a session setting: the SQL of its Query and Parse messages. */
export function changesSetting(unit: Uint8Array): boolean {
  const bytes = Buffer.from(unit.buffer, unit.byteOffset, unit.byteLength);
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at];
    const end = at + 1 + bytes.readInt32BE(at + 1);
    const body = bytes.subarray(at + 5, Math.min(end, bytes.length));
    // Query: the SQL; Parse: the statement's name, then the SQL.
    const sql = type === 0x51 ? body : type === 0x50 ? body.subarray(body.indexOf(0) + 1) : null;
    if (sql && SETS_SESSION.test(sql.subarray(0, Math.max(0, sql.indexOf(0))).toString('utf8'))) return true;
    at = end;
  }
  return false;
}

/** The session-level settings now in effect, as statements that restore them. */
export async function snapshotSettings(db: PGlite): Promise<string[]> {
  const { rows } = await db.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where source = 'session' and name <> 'transaction_isolation'`,
  );
  return rows.map((r) => `select pg_catalog.set_config(${literal(r.name)}, ${literal(r.setting)}, false)`);
}

/** Runs statements without answering any client (inside PGlite's exclusive section). */
export async function runQuietly(db: PGlite, statements: readonly string[]): Promise<void> {
  const discard = { onRawData: () => {} };
  await db.runExclusive(async () => {
    for (const sql of statements) await db.execProtocolRawStream(simpleQuery(sql), discard);
  });
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
