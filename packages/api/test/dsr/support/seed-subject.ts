import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { AuditEvent } from '../../../src/modules/audit/audit-event.entity.ts';
import { ContentVersion } from '../../../src/modules/edits/content-version.entity.ts';
import { AuditorGrant } from '../../../src/modules/identity/auditor-grant.entity.ts';
import { UserRights } from '../../../src/modules/rights/user-rights.entity.ts';
import type { ListeningApi } from '../../portal-events/listening-api.ts';

const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) { __typename ... on Error { message } } }`;

/** A subject with a profile nobody else has and texts nobody else wrote, so any trace of them is theirs. */
export interface Seeded {
  userId: number;
  identity: string[];
  texts: string[];
  /** The texts the edit history holds as versions (the extension's comment and message reports stay events). */
  versionedTexts: string[];
  refs: { t: string; id: string }[];
  /** A chat message the poller has not read yet when the request runs: the chat log still holds its text. */
  unpolled: string;
}

export async function seedSubject(
  l: ListeningApi,
  admin: string,
  userId: number,
  tag: string,
): Promise<Seeded> {
  const { api } = l;
  const user = api.portal.state.users.get(userId)!;
  const identity = {
    NAME: `Zephyrine${tag}`,
    LAST_NAME: `Quarrington${tag}`,
    EMAIL: `zephyrine.${tag.toLowerCase()}@subject.example`,
    PERSONAL_MOBILE: `+49 151 2345 ${tag === 'E' ? '9876' : '6789'}`,
    PERSONAL_PHONE: `+49 30 555 ${tag === 'E' ? '0147' : '0258'}`,
  };
  Object.assign(user, identity);
  const words = (n: string) => `${tag}-authored-${n}-${userId}`;
  const texts = ['post', 'post-edit', 'comment', 'message', 'message-seen', 'task-comment'].map(words);
  const asSubject = api.services.portal.asUser(userId)!;

  // A post, added and edited on the portal: two versions from portal events, editor = the subject.
  const postId = await asSubject.call('log.blogpost.add', { POST_MESSAGE: texts[0]!, DEST: ['UA'] });
  await l.processed();
  await asSubject.call('log.blogpost.update', { POST_ID: postId, POST_MESSAGE: texts[1]! });
  await l.processed();
  // A task comment from portal events.
  const task = api.portal.seed.task(`Task of ${tag}`, userId, 1);
  await asSubject.request('task.commentitem.add', { TASKID: task.id, FIELDS: { POST_MESSAGE: texts[5]! } });
  await l.processed();
  // A comment and a chat message the extension saw in pages: the portal cannot confirm them by id, so they
  // are audit events with the texts' hashes, not versions.
  const comment = api.portal.seed.comment(Number(postId), userId, texts[2]!);
  const room = api.portal.seed.chat([userId, 3], { type: 'chat', title: `Room ${tag}` });
  const message = api.portal.seed.message(room.id, userId, texts[3]!);
  const reporter = await api.tokenFor(3);
  const seen = (key: string, action: string, targetType: string, targetId: number, text: string) => ({
    idempotencyKey: `${tag}-${key}`,
    action,
    occurredAt: new Date().toISOString(),
    sessionToken: `page-session-${tag}`,
    targetType,
    targetId: String(targetId),
    metadata: { text },
  });
  const recorded = await api.gql(
    RECORD,
    {
      events: [
        seen('c', 'comment.edited', 'comment', comment.id, texts[2]!),
        seen('m1', 'message.edited', 'message', message.id, texts[3]!),
        seen('m2', 'message.edited', 'message', message.id, texts[4]!),
      ],
    },
    { token: reporter },
  );
  expect(recorded.data?.recordEvents.__typename, JSON.stringify(recorded)).toBe('RecordEventsResult');

  // An administrator logged in as the subject, and wrote why in words that name them.
  const impersonation = await api.gql(
    `mutation ($u: Int!, $k: String!, $r: String) { startImpersonation(impersonatedUserId: $u, sessionKey: $k, reason: $r) {
      __typename ... on Error { message } } }`,
    {
      u: userId,
      k: createHash('sha256').update(`session-${tag}`).digest('hex'),
      r: `Helping ${identity.NAME} ${identity.LAST_NAME} with the profile`,
    },
    { token: admin },
  );
  expect(impersonation.data?.startImpersonation.__typename, JSON.stringify(impersonation)).toBe(
    'ImpersonationSession',
  );

  // Earlier, as an administrator, the subject granted auditor rights, changed rights and issued a token.
  const em = api.services.orm.em.fork();
  em.create(AuditorGrant, {
    userId: userId + 100,
    grantedBy: userId,
    revokedBy: userId,
    revokedAt: new Date(),
  });
  em.create(UserRights, { userId: userId + 100, canAnonymise: true, canErase: false, updatedBy: userId });
  await em.flush();
  await api.services.tokens.issueIntegratorToken(em, ['audit:read'], `relay of ${tag}`, userId);

  // The poller's minute job reads the chat log: our own alert of that impersonation names the subject.
  await api.services.chatPoller.poll();
  const alerts = await api.services.orm.em
    .fork()
    .count(ContentVersion, { text: { $like: `%${identity.NAME}%` } });
  expect(alerts).toBeGreaterThan(0);

  const unpolled = words('unpolled-message');
  const withAdmin = api.portal.seed.chat([1, userId], { type: 'chat', title: `Admin room ${tag}` });
  await asSubject.call('im.message.add', { DIALOG_ID: `chat${withAdmin.id}`, MESSAGE: unpolled });

  const refs = [
    { t: 'POST', id: String(postId) },
    { t: 'COMMENT', id: String(comment.id) },
    { t: 'MESSAGE', id: String(message.id) },
  ];
  // The edit history holds the confirmed texts before the request, the log the hashes of the others: the
  // dumps below would see them.
  const versionedTexts = [texts[0]!, texts[1]!, texts[5]!];
  const stored = (await api.services.orm.em.fork().find(ContentVersion, {})).map((v) => v.text);
  for (const text of versionedTexts) expect(stored).toContain(text);
  const logged = JSON.stringify(await api.services.orm.em.fork().find(AuditEvent, { actor: '3' }));
  for (const text of [texts[2]!, texts[3]!, texts[4]!])
    expect(logged).toContain(createHash('sha256').update(text, 'utf8').digest('hex'));
  return { userId, identity: Object.values(identity), texts, versionedTexts, refs, unpolled };
}
