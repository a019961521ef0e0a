import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  isUnionType,
} from 'graphql';
import type { AccessWorld, Caller } from './access-world.ts';

/** The variables one cell sends; made per cell, so fixtures a cell changes do not leak into the next. */
export type MakeVariables = (
  world: AccessWorld,
  caller: Caller,
  cell: number,
) => Promise<Record<string, unknown>>;

const BYSTANDER = 8;
const none: MakeVariables = async () => ({});
const subject: MakeVariables = async (_w, c) => ({ userId: c.subjectId });
const key = (n: number) => n.toString(16).padStart(64, '0');

/**
 * Every Query and Mutation field with the variables its cells send. The matrix test enumerates the built
 * schema and fails for a field missing here, so a new operation cannot ship without its row.
 */
export const OPERATIONS: Record<string, MakeVariables> = {
  // Queries
  administratorsSeen: none,
  apiTokens: none,
  // The tree's proofs: the first event of the log, and consistency of its first event with the latest head.
  auditConsistencyProof: async () => ({ first: '1' }),
  auditEvent: async (w) => ({ id: await w.firstEvent() }),
  auditEvents: none,
  auditTreeHead: none,
  dataSubjectRequest: async (w, c) => ({ id: await w.request(c.subjectId, 'COMPLETED') }),
  chatCapture: none,
  dataSubjectRequests: none,
  dismissedUsers: none,
  editHistory: async () => ({ entityType: 'POST', entityId: '1' }),
  editSummaries: async () => ({ refs: [{ entityType: 'POST', entityId: '1' }] }),
  impersonationSession: async (w, c) => ({ id: await w.session(c.subjectId) }),
  impersonationSessions: none,
  me: none,
  settings: none,
  userRights: subject,
  users: none,
  verifyAuditLog: none,
  weeklyReportSettings: none,
  weeklyReports: none,
  // Mutations
  cancelRequest: async (w, c) => ({ id: await w.request(c.subjectId, 'PENDING') }),
  // The matrix's callers are not the extension (no extension Origin): both steps refuse them all.
  completeAppSignIn: async () => ({ code: `b24h_${'A'.repeat(43)}`, verifier: 'v'.repeat(43) }),
  createIntegratorToken: async () => ({ label: 'matrix', scopes: ['USERS_READ'] }),
  endImpersonation: async (w, c) => ({ id: await w.session(c.subjectId) }),
  eraseUser: async (_w, c) => ({ userId: c.subjectId, previewToken: 'not-a-preview-token' }),
  // A bystander (user 8) is granted and revoked, so no caller of a later cell changes role.
  grantAuditor: async () => ({ userId: BYSTANDER }),
  previewErasure: subject,
  recordEvents: async (_w, _c, cell) => ({
    events: [
      {
        idempotencyKey: `matrix-${cell}`,
        action: 'post.edited',
        occurredAt: new Date().toISOString(),
        targetType: 'post',
        targetId: '1',
      },
    ],
  }),
  requestAnonymisation: subject,
  requestAnonymisations: async (_w, c) => ({ userIds: [c.subjectId] }),
  requestDataExport: subject,
  // Logins nobody has, one per cell: the per-login limit stays out of the way, and no code is sent.
  requestSignInCode: async (_w, _c, cell) => ({ login: String(900_000 + cell) }),
  retryRequest: async (w, c) => ({ id: await w.request(c.subjectId, 'FAILED') }),
  revokeApiToken: async (w, c) => ({ id: await w.spareTokenOf(c.subjectId) }),
  revokeAuditor: async (w) => {
    await w.auditorGrant(BYSTANDER);
    return { userId: BYSTANDER };
  },
  setUserRights: async (_w, c) => ({ userIds: [c.subjectId], canAnonymise: true }),
  signIn: async () => ({ login: '5', code: '000000' }),
  signOut: none,
  startAppSignIn: async () => ({ portalUrl: 'https://example.bitrix24.com', challenge: 'c'.repeat(43) }),
  startImpersonation: async (_w, c, cell) => ({
    impersonatedUserId: c.subjectId,
    sessionKey: key(cell + 1),
    reason: null,
  }),
  updateSettings: async () => ({ input: { exportLinkTtlDays: 7 } }),
  updateWeeklyReportSettings: async () => ({ input: { mailAttempts: 5 } }),
};

/** `query ($a: T!) { field(a: $a) { __typename ...on PolicyRefusedError { rule } } }`, from the schema. */
export function documentFor(schema: GraphQLSchema, kind: 'query' | 'mutation', name: string): string {
  const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const field = root.getFields()[name] as GraphQLField<unknown, unknown>;
  const variables = field.args.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const type = getNamedType(field.type);
  const refusal = hasMember(type, 'PolicyRefusedError') ? ' ... on PolicyRefusedError { rule }' : '';
  // A list answers how many rows it gave: an "allowed" list that is always empty says so in its cell.
  const lists = (isUnionType(type) ? type.getTypes() : isObjectType(type) ? [type] : [])
    .filter((t) => 'edges' in t.getFields())
    .map((t) => ` ... on ${t.name} { edges { __typename } }`)
    .join('');
  return `${kind} ${variables ? `(${variables})` : ''} { ${name}${args ? `(${args})` : ''} { __typename${refusal}${lists} } }`;
}

function hasMember(type: GraphQLNamedType, name: string): boolean {
  return isUnionType(type) && type.getTypes().some((t) => t.name === name);
}

export function rootFieldNames(schema: GraphQLSchema, kind: 'query' | 'mutation'): string[] {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return isObjectType(root) ? Object.keys(root.getFields()).sort() : [];
}
