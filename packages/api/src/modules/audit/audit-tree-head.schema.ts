import { builder } from '../../builder.ts';
import { InvalidInputError } from '../../errors.ts';
import { ErrorInterface } from '../../schema/errors.schema.ts';
import { TreeForkedError, type TreeHead } from './audit-tree-head.ts';

/**
 * Signed tree heads in GraphQL (docs/audit-proofs.md says how to check them without our code). Sizes
 * are decimal strings, as `seq` is: a log may outgrow GraphQL's 32-bit Int.
 */

builder.objectType(TreeForkedError, { name: 'AuditTreeForkedError', interfaces: [ErrorInterface] });

export const TreeHeadRef = builder.objectRef<TreeHead>('AuditTreeHead').implement({
  description:
    'A signed tree head: Ed25519 over the five lines "b24-gdpr audit tree head v1", logId, treeSize, rootHash, timestamp, each ended by a newline.',
  fields: (t) => ({
    logId: t.exposeInt('logId'),
    treeSize: t.string({ resolve: (h) => String(h.treeSize) }),
    rootHash: t.exposeString('rootHash', { description: 'RFC 9162 Merkle tree hash, hex.' }),
    timestamp: t.exposeString('timestamp', { description: 'ISO 8601 UTC with milliseconds, as signed.' }),
    keyId: t.exposeString('keyId', {
      description:
        'The signing key (first 16 hex of the SHA-256 of its SPKI DER), as /audit/public-keys lists it.',
    }),
    signature: t.exposeString('signature', { description: 'Base64 Ed25519 signature.' }),
  }),
});

export const TreeHeadInput = builder.inputType('AuditTreeHeadInput', {
  description: 'A signed tree head kept outside the database, as auditTreeHead returned it.',
  fields: (t) => ({
    logId: t.int({ required: true }),
    treeSize: t.string({ required: true }),
    rootHash: t.string({ required: true }),
    timestamp: t.string({ required: true }),
    keyId: t.string({ required: true }),
    signature: t.string({ required: true }),
  }),
});

/** A tree size argument: a decimal string of a whole number. */
export function sizeArg(field: string, value: string | null | undefined): number | null {
  if (value == null) return null;
  if (!/^\d{1,15}$/.test(value))
    throw new InvalidInputError(field, 'A tree size is a whole number in decimal.');
  return Number(value);
}

builder.queryField('auditTreeHead', (t) =>
  t.field({
    type: TreeHeadRef,
    description:
      'The latest signed tree head; a new one is signed when the log grew (at most one per 10 seconds).',
    authScopes: { auditor: true, admin: true },
    errors: { types: [TreeForkedError] },
    resolve: (_root, _args, { em, services }) => services.audit.treeHead(em),
  }),
);

/**
 * A head as given in GraphQL. A malformed size is kept as NaN rather than refused: its signature cannot
 * verify, so the verifier names the head (BAD_HEAD) instead of failing the query.
 */
export function headOfInput(input: typeof TreeHeadInput.$inferInput): TreeHead {
  return { ...input, treeSize: /^\d{1,15}$/.test(input.treeSize) ? Number(input.treeSize) : Number.NaN };
}
