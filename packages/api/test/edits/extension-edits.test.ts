import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { MAX_TEXT_BYTES } from '../../src/modules/edits/extension-edits.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/** Edits seen in pages, reported through `recordEvents` as the extension does. */

const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) {
    __typename
    ... on RecordEventsResult { stored duplicates }
    ... on InvalidInputError { field message }
    ... on ReservedActionError { field action }
  }
}`;

const HISTORY = `query ($t: ContentEntityType!, $id: String!) {
  editHistory(entityType: $t, entityId: $id) {
    __typename
    ... on EditHistory { versions { version { version text editor source deleted sessionRef editedAt } diff { kind text } } }
  }
}`;

const SUMMARIES = `query ($refs: [ContentRefInput!]!) {
  editSummaries(refs: $refs) { ... on EditSummaries { items { entityId versionCount editCount deleted } } }
}`;

const EVENTS = `query ($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 100) {
    ... on QueryAuditEventsConnection { edges { node { action actor targetType targetId sessionRef source metadata } } }
  }
}`;

const SESSID = 'bitrix-sessid-of-the-page';
const sessionKey = createHash('sha256').update(SESSID).digest('hex');
/** What readers see instead of the key (modules/impersonation/session-keys.ts). */
const sessionRef = () => api.services.secret.mac('session-ref', sessionKey).slice(0, 32);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let api: TestApi;
let admin: string;
let employee: string;
let other: string;
let writer: string;

beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
  employee = await api.tokenFor(9);
  other = await api.tokenFor(10);
  writer = (
    await api.services.tokens.issueIntegratorToken(api.services.orm.em.fork(), ['audit:write'], 'relay', 1)
  ).token;
});
afterAll(async () => {
  await api?.close();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** One event as the extension's queue sends it. */
function seen(key: string, targetId: string, text: unknown, extra: Record<string, unknown> = {}) {
  return {
    idempotencyKey: key,
    action: 'post.edited',
    occurredAt: minutesAgo(10),
    sessionToken: SESSID,
    targetType: 'post',
    targetId,
    metadata: { text, editedMark: true },
    ...extra,
  };
}

/** A Live Feed post on the sandbox, as the reporter's page would show it. */
const postOnPortal = (text: string, extra: Record<string, unknown> = {}) =>
  String(api.portal.seed.post(3, text, extra).id);
const editOnPortal = (postId: string, text: string) => {
  api.portal.state.posts.get(Number(postId))!.text = text;
};
const versionRows = (postId: string) =>
  api.services.orm.em
    .fork()
    .find(ContentVersion, { entityType: 'POST', entityId: postId }, { orderBy: { version: 'asc' } });

const history = async (id: string, t = 'POST') =>
  (await api.gql(HISTORY, { t, id }, { token: admin })).data?.editHistory.versions;
const versionCount = () => api.services.orm.em.fork().count(ContentVersion, {});
const eventCount = async () =>
  Number(
    (
      await api.services.orm.em
        .fork()
        .getConnection()
        .execute<{ n: string }[]>('select count(*) as n from audit_event')
    )[0]!.n,
  );

describe('recordEvents with texts seen in pages', () => {
  it('stores each text the portal confirms as a version witnessed by the reporter, and the event with the text hash only', async () => {
    const postId = postOnPortal('Lunch at noon');
    const first = seen('e-1', postId, 'Lunch at noon', { occurredAt: minutesAgo(12) });
    expect((await api.gql(RECORD, { events: [first] }, { token: employee })).data?.recordEvents).toEqual({
      __typename: 'RecordEventsResult',
      stored: 1,
      duplicates: 0,
    });
    editOnPortal(postId, 'Lunch at one');
    const second = seen('e-2', postId, 'Lunch at one', { occurredAt: minutesAgo(11) });
    await api.gql(RECORD, { events: [second] }, { token: employee });
    const versions = await history(postId);
    expect(versions.map((v: any) => v.version)).toMatchObject([
      {
        version: 1,
        text: 'Lunch at noon',
        source: 'EXTENSION',
        editor: null,
        sessionRef: sessionRef(),
        deleted: false,
      },
      { version: 2, text: 'Lunch at one', source: 'EXTENSION', editor: null, sessionRef: sessionRef() },
    ]);
    expect(versions[1].version.editedAt).toBe(second.occurredAt);
    expect(versions[1].diff).toEqual([
      { kind: 'UNCHANGED', text: 'Lunch at ' },
      { kind: 'REMOVED', text: 'noon' },
      { kind: 'ADDED', text: 'one' },
    ]);
    // Stored as seen by user 9, not as written by them.
    expect((await versionRows(postId)).map((v) => [v.editor, v.witnessedBy])).toEqual([
      [null, 9],
      [null, 9],
    ]);
    // One audit event per reported event (the version's own hook wrote none), without the text.
    const events = (
      await api.gql(EVENTS, { filter: { targetType: 'post', targetId: postId } }, { token: admin })
    ).data?.auditEvents.edges.map((e: any) => e.node);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        action: 'post.edited',
        actor: '9',
        source: 'EXTENSION',
        sessionRef: sessionRef(),
      });
      expect(event.metadata).not.toHaveProperty('text');
    }
    expect(events.map((e: any) => e.metadata.textHash).sort()).toEqual(
      [sha256('Lunch at noon'), sha256('Lunch at one')].sort(),
    );
    expect(events.every((e: any) => e.metadata.confirmed === true && e.metadata.editedMark === true)).toBe(
      true,
    );
  });

  it('reads the portal as the page renders it: markup and line layout do not count', async () => {
    const postId = postOnPortal('[B]Party[/B] on  Friday\n[URL=https://example.test]details[/URL]');
    await api.gql(RECORD, { events: [seen('m-1', postId, 'Party on Friday\ndetails')] }, { token: employee });
    expect((await versionRows(postId)).map((v) => v.text)).toEqual(['Party on Friday\ndetails']);
  });

  it('keeps a report the portal does not confirm as an unconfirmed event, never as a version', async () => {
    // Someone else's words put into a post: the portal says otherwise.
    const postId = postOnPortal('The real text');
    const forged = await api.gql(
      RECORD,
      { events: [seen('x-1', postId, 'Words never written')] },
      { token: employee },
    );
    expect(forged.data?.recordEvents).toMatchObject({ stored: 1 });
    // A post the reporter cannot read (to users 2 and 3 only) is not confirmed to them, even word for word.
    const hidden = postOnPortal('Salary review for Anna', { dest: ['U2'] });
    await api.gql(RECORD, { events: [seen('x-2', hidden, 'Salary review for Anna')] }, { token: employee });
    // Posts that do not exist, comments and messages (not readable by id) and deletions stay unconfirmed.
    await api.gql(
      RECORD,
      {
        events: [
          seen('x-3', '987654', 'No such post'),
          { ...seen('x-4', '7003', 'a comment'), action: 'comment.edited', targetType: 'comment' },
          { ...seen('x-5', '7003', 'a message'), action: 'message.edited', targetType: 'message' },
          { ...seen('x-6', postId, null), action: 'post.deleted', metadata: {} },
        ],
      },
      { token: employee },
    );
    const em = api.services.orm.em.fork();
    for (const [type, id] of [
      ['POST', postId],
      ['POST', hidden],
      ['POST', '987654'],
      ['COMMENT', '7003'],
      ['MESSAGE', '7003'],
    ])
      expect(
        await em.count(ContentVersion, { entityType: type as never, entityId: id }),
        `${type} ${id}`,
      ).toBe(0);
    const logged = (
      await api.gql(EVENTS, { filter: { actor: '9', actionPrefix: 'post' } }, { token: admin })
    ).data?.auditEvents.edges
      .map((e: any) => e.node)
      .filter((n: any) => [postId, hidden, '987654'].includes(n.targetId));
    expect(logged).toHaveLength(4);
    expect(logged.every((n: any) => n.metadata.confirmed === false)).toBe(true);
  });

  it('does not take a sender’s own claim that a report was confirmed', async () => {
    const postId = postOnPortal('Original');
    await api.gql(
      RECORD,
      { events: [{ ...seen('c-0', postId, 'Invented'), metadata: { text: 'Invented', confirmed: true } }] },
      { token: employee },
    );
    expect(await versionRows(postId)).toEqual([]);
  });

  it('stores a retried batch once, and the same text seen by someone else as no new version', async () => {
    const postId = postOnPortal('first');
    const batch = [seen('r-1', postId, 'first')];
    expect((await api.gql(RECORD, { events: batch }, { token: employee })).data?.recordEvents).toMatchObject({
      stored: 1,
    });
    const [versions, events] = [await versionCount(), await eventCount()];
    // A retry after the text changed must not bring the old text back as a new version.
    editOnPortal(postId, 'second');
    await api.gql(RECORD, { events: [seen('r-2', postId, 'second')] }, { token: employee });
    const again = await api.gql(RECORD, { events: batch }, { token: employee });
    expect(again.data?.recordEvents).toEqual({ __typename: 'RecordEventsResult', stored: 0, duplicates: 1 });
    expect(await versionCount()).toBe(versions + 1);
    expect(await eventCount()).toBe(events + 1);
    // Another employee's extension sees the latest text: their report is logged, no version is added.
    const theirs = await api.gql(RECORD, { events: [seen('r-1', postId, 'second')] }, { token: other });
    expect(theirs.data?.recordEvents).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await history(postId)).map((v: any) => v.version.text)).toEqual(['first', 'second']);
  });

  it('runs alongside the portal-event path on the same item without deadlock or gaps', async () => {
    // The extension path locks the item before the audit chain, as recordVersion + its hook do.
    const postId = postOnPortal('extension text');
    const reports = Array.from({ length: 6 }, (_, i) =>
      api.gql(RECORD, { events: [seen(`par-${i}`, postId, 'extension text')] }, { token: employee }),
    );
    const pushed = Array.from({ length: 6 }, (_, i) =>
      api.services.edits.recordVersion(api.services.orm.em.fork(), {
        entityType: 'POST',
        entityId: postId,
        text: `portal text ${i}`,
        editedAt: new Date(),
        editor: 3,
        source: 'portal-event',
      }),
    );
    const results = await Promise.all(reports);
    await Promise.all(pushed);
    for (const r of results) expect(r.data?.recordEvents).toMatchObject({ stored: 1 });
    const versions = (await history(postId)).map((v: any) => v.version.version);
    expect(versions.length).toBeGreaterThanOrEqual(7);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
  });

  it('counts the confirmed versions in editSummaries', async () => {
    const postId = postOnPortal('one');
    await api.gql(RECORD, { events: [seen('s-1', postId, 'one')] }, { token: employee });
    editOnPortal(postId, 'two');
    await api.gql(RECORD, { events: [seen('s-2', postId, 'two')] }, { token: employee });
    const refs = [postId, '7004'].map((entityId) => ({ entityType: 'POST', entityId }));
    const items = (await api.gql(SUMMARIES, { refs }, { token: admin })).data?.editSummaries.items;
    expect(items).toEqual([
      { entityId: postId, versionCount: 2, editCount: 1, deleted: false },
      { entityId: '7004', versionCount: 0, editCount: 0, deleted: false },
    ]);
  });

  it('refuses a bad text with a clear error and stores nothing of the batch', async () => {
    const cases: [unknown, string, Record<string, unknown>?][] = [
      ['x'.repeat(MAX_TEXT_BYTES + 1), 'events.1.metadata.text'],
      ['ü'.repeat(MAX_TEXT_BYTES / 2 + 1), 'events.1.metadata.text'], // bytes, not characters
      [42, 'events.1.metadata.text'],
      [{ html: '<b>' }, 'events.1.metadata.text'],
      ['a\u0000b', 'events.1.metadata.text'],
      ['fine', 'events.1.targetType', { targetType: 'user' }],
      ['fine', 'events.1.targetId', { targetId: 'abc' }],
      ['fine', 'events.1.occurredAt', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ];
    const [versions, events] = [await versionCount(), await eventCount()];
    for (const [text, field, extra] of cases) {
      const batch = [seen(`bad-0-${field}`, '7010', 'valid'), seen(`bad-1-${field}`, '7011', text, extra)];
      const result = await api.gql(RECORD, { events: batch }, { token: employee });
      expect(result.data?.recordEvents, field).toMatchObject({ __typename: 'InvalidInputError', field });
    }
    const deletionWithText = { ...seen('bad-del', '7010', 'x'), action: 'post.deleted' };
    expect(
      (await api.gql(RECORD, { events: [deletionWithText] }, { token: employee })).data?.recordEvents,
    ).toMatchObject({ __typename: 'InvalidInputError', field: 'events.0.metadata.text' });
    expect(await versionCount()).toBe(versions);
    expect(await eventCount()).toBe(events);
    // The largest text allowed is stored.
    const largest = await api.gql(
      RECORD,
      { events: [seen('big', '7012', 'y'.repeat(MAX_TEXT_BYTES))] },
      { token: employee },
    );
    expect(largest.data?.recordEvents).toMatchObject({ stored: 1 });
  });
});

describe('who may report what', () => {
  it('lets users report content edits only; integrators nothing of the product’s own namespaces', async () => {
    const forged = { ...seen('f-1', '7020', null), action: 'settings.updated', metadata: {} };
    const before = await eventCount();
    for (const token of [employee, admin]) {
      const refused = await api.gql(RECORD, { events: [seen('f-0', '7020', 'ok'), forged] }, { token });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await eventCount()).toBe(before);
    for (const action of ['comment.edited', 'message.deleted', 'post.deleted']) {
      const type = action.split('.')[0];
      const ok = await api.gql(
        RECORD,
        { events: [{ ...seen(`ok-${action}`, '7021', null), action, targetType: type, metadata: {} }] },
        { token: employee },
      );
      expect(ok.data?.recordEvents, action).toMatchObject({ stored: 1 });
    }
    const counted = await eventCount();
    for (const event of [
      forged,
      seen('i-1', '7030', 'relayed text', { actorId: 4, source: 'PORTAL_EVENT' }),
    ]) {
      const relayed = await api.gql(RECORD, { events: [event] }, { token: writer });
      expect(relayed.data?.recordEvents).toMatchObject({
        __typename: 'ReservedActionError',
        field: 'events.0.action',
      });
    }
    expect(await eventCount()).toBe(counted);
    expect(await history('7030')).toEqual([]);
    const own = {
      ...seen('i-2', '7030', null),
      action: 'crm.deal.exported',
      targetType: 'deal',
      metadata: {},
    };
    expect((await api.gql(RECORD, { events: [own] }, { token: writer })).data?.recordEvents).toMatchObject({
      stored: 1,
    });
  });
});
