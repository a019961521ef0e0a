import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { schema } from '../../src/schema/index.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { documentFor, OPERATIONS, rootFieldNames } from './support/access-operations.ts';
import { AccessWorld, type Column, PEOPLE } from './support/access-world.ts';

/**
 * Who may call what: every Query and Mutation field of the built schema × every kind of caller, run
 * through the API. Cells:
 *   ok           the operation did what it does
 *   none         allowed, and the list is empty: the caller sees none of the rows (the fixtures made some)
 *   DENY         refused by the field's authScopes (FORBIDDEN), before any resolver ran
 *   NotFound     NotFoundError: what the caller may not see is reported like what does not exist
 *   Invalid      InvalidInputError (the cell's input is deliberately not valid, e.g. a wrong code)
 *   BadCode      InvalidSignInCodeError
 *   Policy:RULE  PolicyRefusedError with that rule
 *   ReservedAction  ReservedActionError: an action of the product's own namespaces (@b24-gdpr/shared)
 * Columns: `employee` acts on their own data, `employee-other` (the same employee) on a colleague's;
 * administrators, auditors and integrators act on a colleague's; an integrator holds the one scope named.
 * Every mutation a cell refuses must leave the audit log as it was, and every read writes nothing.
 * The operator (CLI) is not a GraphQL caller: its commands are tested in test/cli.
 */
const TABLE = `
field                      anonymous employee employee-other       admin                        auditor                  users:read              rights:write            requests:read           requests:write audit:read              audit:write
administratorsSeen         DENY      DENY     DENY                 none                         none                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
apiTokens                  DENY      ok       ok                   ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
auditConsistencyProof      DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
auditEvent                 DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
auditEvents                DENY      ok       ok                   ok                           ok                       DENY                    DENY                    DENY                    DENY           ok                      DENY
auditTreeHead              DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
chatCapture                DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
dataSubjectRequest         DENY      ok       NotFound             ok                           ok                       NotFound                NotFound                ok                      ok             NotFound                NotFound
dataSubjectRequests        DENY      ok       ok                   ok                           ok                       none                    none                    ok                      ok             none                    none
dismissedUsers             DENY      DENY     DENY                 ok                           ok                       ok                      DENY                    DENY                    DENY           DENY                    DENY
editHistory                DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           ok                      DENY
editSummaries              DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           ok                      DENY
impersonationSession       DENY      ok       NotFound             ok                           ok                       NotFound                NotFound                NotFound                NotFound       ok                      NotFound
impersonationSessions      DENY      ok       ok                   ok                           ok                       none                    none                    none                    none           ok                      none
me                         DENY      ok       ok                   ok                           ok                       ok                      ok                      ok                      ok             ok                      ok
settings                   DENY      ok       ok                   ok                           ok                       ok                      ok                      ok                      ok             ok                      ok
userRights                 DENY      ok       NotFound             ok                           ok                       ok                      NotFound                NotFound                NotFound       NotFound                NotFound
users                      DENY      DENY     DENY                 ok                           ok                       ok                      DENY                    DENY                    DENY           DENY                    DENY
verifyAuditLog             DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
weeklyReportSettings       DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
weeklyReports              DENY      DENY     DENY                 none                         none                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
cancelRequest              DENY      ok       NotFound             ok                           Policy:AUDITOR_READ_ONLY DENY                    DENY                    DENY                    ok             DENY                    DENY
completeAppSignIn           Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY
createIntegratorToken      DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
endImpersonation           DENY      NotFound NotFound             ok                           NotFound                 DENY                    DENY                    DENY                    DENY           DENY                    DENY
eraseUser                  DENY      Invalid  Policy:NOT_YOUR_DATA Invalid                      Policy:AUDITOR_READ_ONLY Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE Invalid        Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE
grantAuditor               DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
previewErasure             DENY      ok       Policy:NOT_YOUR_DATA ok                           Policy:AUDITOR_READ_ONLY Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE ok             Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE
recordEvents               DENY      ok       ok                   ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    ReservedAction
requestAnonymisation       DENY      ok       Policy:NOT_YOUR_DATA ok                           Policy:AUDITOR_READ_ONLY Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE ok             Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE
requestAnonymisations      DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    ok             DENY                    DENY
requestDataExport          DENY      ok       Policy:NOT_YOUR_DATA Policy:ADMIN_EXPORT_OWN_ONLY Policy:AUDITOR_READ_ONLY Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE ok             Policy:INTEGRATOR_SCOPE Policy:INTEGRATOR_SCOPE
requestSignInCode          ok        ok       ok                   ok                           ok                       ok                      ok                      ok                      ok             ok                      ok
retryRequest               DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    ok             DENY                    DENY
revokeApiToken             DENY      ok       NotFound             ok                           NotFound                 DENY                    DENY                    DENY                    DENY           DENY                    DENY
revokeAuditor              DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
setUserRights              DENY      DENY     DENY                 ok                           DENY                     DENY                    ok                      DENY                    DENY           DENY                    DENY
signIn                     BadCode   BadCode  BadCode              BadCode                      BadCode                  BadCode                 BadCode                 BadCode                 BadCode        BadCode                 BadCode
signOut                    DENY      ok       ok                   ok                           ok                       ok                      ok                      ok                      ok             ok                      ok
startAppSignIn              Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY Policy:APP_SIGNIN_EXTENSION_ONLY
startImpersonation         DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
updateSettings             DENY      DENY     DENY                 ok                           DENY                     DENY                    DENY                    DENY                    DENY           DENY                    DENY
updateWeeklyReportSettings DENY      DENY     DENY                 ok                           ok                       DENY                    DENY                    DENY                    DENY           DENY                    DENY
`;

const COLUMNS: Column[] = [
  'anonymous',
  'employee',
  'employee-other',
  'admin',
  'auditor',
  'int:users:read',
  'int:rights:write',
  'int:requests:read',
  'int:requests:write',
  'int:audit:read',
  'int:audit:write',
];

const rows = new Map(
  TABLE.trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [field, ...cells] = line.trim().split(/\s+/);
      return [field!, cells] as const;
    }),
);

const fields = [
  ...rootFieldNames(schema, 'query').map((name) => ({ kind: 'query' as const, name })),
  ...rootFieldNames(schema, 'mutation').map((name) => ({ kind: 'mutation' as const, name })),
];

let api: TestApi;
let world: AccessWorld;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  world = await AccessWorld.create(api);
}, 60_000);
afterAll(() => api?.close());

const auditCount = () => api.services.orm.em.fork().count(AuditEvent, {});

function outcomeOf(name: string, response: Awaited<ReturnType<TestApi['gql']>>): string {
  const error = response.errors?.[0];
  if (error) return error.extensions?.code === 'FORBIDDEN' ? 'DENY' : `ERROR(${error.message})`;
  const data = response.data as Record<string, { __typename: string; rule?: string }> | undefined;
  const value = data?.[name];
  const type = value?.__typename ?? '';
  if (type === 'PolicyRefusedError') return `Policy:${value?.rule}`;
  if (type === 'InvalidSignInCodeError') return 'BadCode';
  if (type.endsWith('Error')) return type.replace(/Error$/, '').replace(/^InvalidInput$/, 'Invalid');
  return (value as { edges?: unknown[] }).edges?.length === 0 ? 'none' : 'ok';
}

describe('the access matrix', () => {
  it('has a row for every Query and Mutation field of the schema, and variables for each', () => {
    const names = fields.map((f) => f.name).sort();
    expect([...rows.keys()].sort()).toEqual(names);
    expect(Object.keys(OPERATIONS).sort()).toEqual(names);
    for (const [field, cells] of rows) expect(cells, field).toHaveLength(COLUMNS.length);
  });

  const cells = fields.flatMap(({ kind, name }) =>
    COLUMNS.map((column, c) => ({ kind, name, column, expected: rows.get(name)?.[c] ?? '?' })),
  );

  it.each(cells.map((cell, index) => ({ ...cell, index })))(
    '$name as $column → $expected',
    async ({ kind, name, column, expected, index }) => {
      const caller = await world.caller(column);
      const variables = await OPERATIONS[name]!(world, caller, index);
      const before = await auditCount();
      const response = await api.gql(documentFor(schema, kind, name), variables, { token: caller.token });
      const outcome = outcomeOf(name, response);
      const written = (await auditCount()) - before;
      expect(outcome).toBe(expected);
      // As an auditor would check it: a refusal leaves no trace in the log, and a read never writes.
      if (kind === 'query' || outcome !== 'ok') expect(written).toBe(0);
    },
  );
});

describe('an auditor and a request that is not theirs', () => {
  it('sees it but cannot cancel it: the request stays open and the log records no cancellation', async () => {
    const id = await world.request(PEOPLE.other, 'PENDING');
    const auditor = await world.caller('auditor');
    const cancel = `mutation ($id: ID!) { cancelRequest(id: $id) { __typename ... on PolicyRefusedError { rule } } }`;
    const answer = await api.gql(cancel, { id }, { token: auditor.token });
    expect(answer.data?.cancelRequest).toEqual({
      __typename: 'PolicyRefusedError',
      rule: 'AUDITOR_READ_ONLY',
    });
    const em = api.services.orm.em.fork();
    expect((await em.findOneOrFail(DataSubjectRequest, { id })).status).toBe('PENDING');
    expect(
      await em.count(AuditEvent, { action: 'dsr.cancelled', metadata: { requestId: id } } as never),
    ).toBe(0);
    // Their own request they may cancel, like any employee.
    const own = await world.request(PEOPLE.auditor, 'PENDING');
    expect(
      (await api.gql(cancel, { id: own }, { token: auditor.token })).data?.cancelRequest.__typename,
    ).toBe('DataSubjectRequest');
    expect((await em.findOneOrFail(DataSubjectRequest, { id: own }, { refresh: true })).status).toBe(
      'CANCELLED',
    );
  });
});
