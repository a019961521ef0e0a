import { builder } from '../../builder.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { AuditEventRef } from './audit.schema.ts';
import type { EventProof } from './audit.service.ts';
import type { ConsistencyProof } from './audit-proofs.ts';
import { sizeArg, TreeHeadRef } from './audit-tree-head.schema.ts';
import { TreeForkedError, type TreeHead } from './audit-tree-head.ts';

/** Inclusion and consistency proofs (RFC 9162) in GraphQL; docs/audit-proofs.md has their formats. */

const InclusionProofRef = builder.objectRef<EventProof>('AuditInclusionProof').implement({
  description:
    "RFC 9162 §2.1.3: the audit path from the event's leaf to the root of the tree of treeSize events.",
  fields: (t) => ({
    leafIndex: t.string({ resolve: (p) => String(p.leafIndex) }),
    treeSize: t.string({ resolve: (p) => String(p.treeSize) }),
    leaf: t.exposeString('leaf', {
      description:
        "The event's canonical hashed content (RFC 8785 JSON, keyed commitments for personal values).",
    }),
    leafHash: t.exposeString('leafHash', { description: 'SHA-256(0x00 ‖ leaf), hex.' }),
    auditPath: t.exposeStringList('auditPath', { description: 'Hex hashes, bottom first.' }),
    head: t.field({ type: TreeHeadRef, nullable: true, resolve: (p) => p.head }),
  }),
});

const ConsistencyProofRef = builder
  .objectRef<ConsistencyProof & { firstHead: TreeHead | null; secondHead: TreeHead | null }>(
    'AuditConsistencyProof',
  )
  .implement({
    description: 'RFC 9162 §2.1.4: proves the tree of secondSize events extends the one of firstSize.',
    fields: (t) => ({
      firstSize: t.string({ resolve: (p) => String(p.firstSize) }),
      secondSize: t.string({ resolve: (p) => String(p.secondSize) }),
      path: t.exposeStringList('path', { description: "Hex hashes, in the RFC's order." }),
      firstHead: t.field({ type: TreeHeadRef, nullable: true, resolve: (p) => p.firstHead }),
      secondHead: t.field({ type: TreeHeadRef, nullable: true, resolve: (p) => p.secondHead }),
    }),
  });

builder.objectField(AuditEventRef, 'proof', (t) =>
  t.field({
    type: InclusionProofRef,
    description:
      "The event's inclusion proof in the tree of treeSize events (default: the latest signed head).",
    authScopes: { auditor: true, admin: true },
    errors: { types: [InvalidInputError, TreeForkedError] },
    args: { treeSize: t.arg.string() },
    resolve: (event, args, { em, services }) =>
      services.audit.eventProof(em, event, sizeArg('treeSize', args.treeSize)),
  }),
);

builder.queryField('auditEvent', (t) =>
  t.field({
    type: AuditEventRef,
    description: 'One event by id, with its inclusion proof (`proof`).',
    authScopes: { auditor: true, admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { em, services }) => {
      const event = /^[0-9a-f-]{36}$/i.test(String(id)) ? await services.audit.event(em, String(id)) : null;
      if (!event) throw new NotFoundError('Audit event', String(id));
      return event;
    },
  }),
);

builder.queryField('auditConsistencyProof', (t) =>
  t.field({
    type: ConsistencyProofRef,
    description:
      'Proves the tree of `second` events (default: the latest signed head) extends the one of `first`.',
    authScopes: { auditor: true, admin: true },
    errors: { types: [InvalidInputError, TreeForkedError] },
    args: { first: t.arg.string({ required: true }), second: t.arg.string() },
    resolve: (_root, args, { em, services }) =>
      services.audit.consistency(em, sizeArg('first', args.first)!, sizeArg('second', args.second)),
  }),
);
