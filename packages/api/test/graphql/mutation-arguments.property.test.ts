import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { tableDigester } from '../support/table-digest.ts';

/**
 * Every mutation, with arguments generated from its declared types and full of what a hostile client
 * sends: NUL, lone surrogates, huge strings, ids of the wrong shape, negative and out-of-range numbers.
 * Whatever the input and whoever asks, the API answers without a 5xx or "Unexpected error.", and a call
 * it refuses stores nothing (every application table digested before and after).
 * Deterministic: FC_SEED picks another seed; a failure prints the seed and path to replay it.
 */
const SEED = Number(process.env.FC_SEED ?? 1414);
const RUNS_PER_MUTATION = Number(process.env.FC_RUNS ?? 25);

const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\uDC00',
  'x\uD800',
  '\uDE00\uD83D',
  'x'.repeat(70_000),
  '',
  ' ',
  "'; drop table api_token; --",
  '=HYPERLINK("http://evil")',
  '-1',
  '1e309',
];
const PLAIN_STRINGS = ['1', '20', 'post.edited', 'user', 'a'.repeat(64), 'Grüße 😀', '2030-01-01'];

const text = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS, ...PLAIN_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '\u0000', '\uD800', '\uDC00', 'é'), maxLength: 8 }),
);
const id = fc.oneof(fc.uuid(), fc.constantFrom('x', '0', '', '1 or 1=1', '\u0000'), text);
const int = fc.oneof(
  fc.constantFrom(1, 20, 0, -1, -2_147_483_648, 2_147_483_647, 2_147_483_648, 1e15),
  fc.integer({ min: -1_000, max: 1_000 }),
);
const dateTime = fc.oneof(
  fc.constantFrom('1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not a date', '\u0000'),
  fc
    .date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') })
    .map((d) => d.toISOString()),
);
const json = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.constantFrom('text', 'reason', '\u0000', '\uDC00'), fc.string()),
    fc.oneof(text, int),
    {
      maxKeys: 3,
    },
  ),
  fc.constantFrom(null, [1, 2], 'plain', { text: 'x'.repeat(70_000) }),
);

/** An arbitrary for one input type, nullable types sometimes left out. */
function arbitraryFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return arbitraryFor(type.ofType, depth);
  const value = requiredArbitraryFor(type, depth);
  return fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) });
}

function requiredArbitraryFor(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return requiredArbitraryFor(type.ofType, depth);
  if (isListType(type))
    return fc.array(arbitraryFor(type.ofType, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((f) => [f.name, arbitraryFor(f.type, depth + 1)])), {
      requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
    });
  }
  switch (type.name) {
    case 'String':
      return text;
    case 'ID':
      return id;
    case 'Int':
      return int;
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return dateTime;
    case 'JSON':
      return json;
    default:
      throw new Error(`no arbitrary for scalar ${type.name}: add one`);
  }
}

/** The document for one mutation: every argument a variable, and enough of the answer to judge it. */
function documentFor(field: GraphQLField<unknown, unknown>): string {
  const declared = field.args.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const result = getNamedType(field.type);
  const errorMessage = isUnionType(result) ? ' ... on Error { message }' : '';
  return `mutation (${declared}) { result: ${field.name}(${passed}) { __typename${errorMessage} } }`;
}

/**
 * Work a mutation leaves running after its answer, awaited before the next call's "before" digest:
 * requestSignInCode stores and sends the code after replying (so that latency tells nothing), and that
 * write must not be taken for one made by the next, refused call.
 */
const AFTER_REPLY: Record<string, (variables: Record<string, unknown>) => Promise<void>> = {
  requestSignInCode: async ({ login }) => {
    const user = await api.services.directory.findUserByLogin(String(login)).catch(() => null);
    if (!user) return;
    const sent = () =>
      [...api.portal.state.notifications.values()].filter((n) => n.userId === user.id).length;
    const before = sent();
    await eventually(() => (sent() > before ? true : undefined), `the sign-in code for user ${user.id}`);
  },
};

const MUTATIONS = Object.values(schema.getMutationType()!.getFields()).filter((f) => f.args.length > 0);
const PRINCIPALS = ['admin', 'employee', 'integrator'] as const;

let api: TestApi;
let tokens: Record<(typeof PRINCIPALS)[number], string>;
let digest: () => Promise<Record<string, string>>;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  const em = api.services.orm.em.fork();
  const integrator = await api.services.tokens.issueIntegratorToken(
    em,
    ['audit:read', 'audit:write', 'users:read'],
    'fuzz',
    1,
  );
  tokens = { admin: await api.tokenFor(1), employee: await api.tokenFor(20), integrator: integrator.token };
  digest = await tableDigester(em);
});
afterAll(() => api?.close());

describe('every mutation, with hostile arguments', () => {
  it('generates from the schema: every mutation with arguments is exercised', () => {
    expect(MUTATIONS.map((f) => f.name)).toEqual(expect.arrayContaining(['recordEvents', 'revokeApiToken']));
  });

  it.each(MUTATIONS.map((f) => [f.name, f] as const))(
    '%s: no 5xx, no "Unexpected error.", nothing stored when refused',
    { timeout: 120_000 },
    async (_name, field) => {
      const document = documentFor(field);
      const args = fc.record(Object.fromEntries(field.args.map((a) => [a.name, arbitraryFor(a.type)])), {
        requiredKeys: field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name),
      });
      await fc.assert(
        fc.asyncProperty(args, fc.constantFrom(...PRINCIPALS), async (variables, principal) => {
          const before = await digest();
          const response = await api.gql(document, variables, { token: tokens[principal] });
          const where = `${principal}: ${JSON.stringify(response).slice(0, 500)}`;
          expect(response.status, where).toBeLessThan(500);
          for (const error of response.errors ?? []) {
            expect(error.message, where).not.toMatch(/unexpected error/i);
            expect(error.extensions?.code, where).not.toBe('INTERNAL_SERVER_ERROR');
          }
          const typename: string | undefined = response.data?.result?.__typename;
          const refused =
            response.errors !== undefined || typename === undefined || typename.endsWith('Error');
          if (!refused) await AFTER_REPLY[field.name]?.(variables);
          if (refused) {
            const after = await digest();
            const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
            expect(changed, where).toEqual([]);
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_MUTATION, endOnFailure: true },
      );
    },
  );
});
