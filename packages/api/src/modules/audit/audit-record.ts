import type { AuditSource } from './audit-event.entity.ts';

/** An audit event as stored and returned by the service (plain data; `seq` fits a JS number). */
export interface AuditRecord {
  id: string;
  seq: number;
  occurredAt: Date;
  receivedAt: Date;
  /** A portal user id in decimal, `anon:…` after erasure, or null for the system itself. */
  actor: string | null;
  onBehalfOf: string | null;
  sessionKey: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown>;
  source: AuditSource;
  idempotencyKey: string | null;
  sealed: Sealed | null;
  prevHash: string;
  hash: string;
}

/** What other code hands to `services.audit.append`. */
export interface AuditEventDraft {
  action: string;
  /** When it happened (defaults to now); the log also keeps when it was received. */
  occurredAt?: Date;
  /** Portal user id of who did it; null for the system (jobs, the operator CLI). */
  actorId: number | null;
  /** The user the actor acted as (impersonation), when not themselves. */
  onBehalfOfId?: number | null;
  /** The portal session token; only its SHA-256 is stored. Give this or `sessionKey`. */
  sessionToken?: string | null;
  /** SHA-256 hex of the portal session token. */
  sessionKey?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** What it was done to; `{ type: 'user', id: '7' }` makes user 7 a subject of the event. */
  target?: { type: string; id: string | number } | null;
  metadata?: Record<string, unknown>;
  source: AuditSource;
  /** Retries with the same key (per submitter) are stored once. */
  idempotencyKey?: string | null;
}

/** Columns that identify a person: the hash covers keyed commitments of them, so they can be replaced. */
export const SEALABLE_FIELDS = ['actor', 'onBehalfOf', 'targetId', 'sessionKey', 'ip', 'userAgent'] as const;
export type SealableField = (typeof SEALABLE_FIELDS)[number];

/**
 * What erasure keeps in the row's `sealed` column: the commitment each replaced column had, `metadata` the
 * commitment of the metadata before it was pseudonymised, and keyed commitments of what erasure left in
 * their place, `pseudonymisedColumns` for the replaced columns and `pseudonymisedMetadata` for the metadata,
 * so those values cannot be changed afterwards unnoticed (audit-hash.ts).
 */
export type Sealed = Partial<Record<SealableField | SealKind, string>>;

/** The commitments in `sealed` that are not a column's own. */
export type SealKind = 'metadata' | 'pseudonymisedMetadata' | 'pseudonymisedColumns';

/** The target type whose ids are portal users (and so are pseudonymised with them). */
export const USER_TARGET = 'user';
