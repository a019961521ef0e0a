import type { User } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymiseProfile,
  anonymiseProfiles,
  anonymousEmail,
  checkProfile,
  isProfileAnonymised,
  readProfiles,
  UnknownSubjectError,
} from '../../../src/modules/dsr/anonymise/index.ts';
import { createWorld, fullProfile, pseudonymFor, type World } from '../erasure/world.ts';

let world: World;
let subject: User;
let colleague: User;
beforeAll(async () => {
  world = await createWorld();
  subject = world.portal.seed.user(fullProfile('Erika', 'Mustermann'));
  colleague = world.portal.seed.user(fullProfile('Max', 'Muster'));
});
afterAll(() => world.close());

/** Fields the model keeps that are not personal data or that user.update cannot write. */
const NOT_PERSONAL = new Set([
  'ID',
  'ACTIVE',
  'IS_ONLINE',
  'USER_TYPE',
  'isAdmin',
  'TIME_ZONE',
  'TITLE',
  'LAST_LOGIN',
  'DATE_REGISTER',
  'TIMESTAMP_X',
  'LAST_ACTIVITY_DATE',
  'UF_TIMEMAN',
]);

const anonymise = (userId = subject.ID, options: { clearDepartments?: boolean } = {}) =>
  anonymiseProfile({ portal: world.admin, pseudonymFor, subjectUserId: userId, ...options });

describe('anonymising a profile', () => {
  it('replaces the name, e-mail and every personal field in the portal', async () => {
    const before = { ...world.portal.state.user(subject.ID)! };
    const outcome = await anonymise();
    const after = world.portal.state.user(subject.ID)!;
    expect(after.NAME).toBe(pseudonymFor(subject.ID));
    expect(after.NAME).toMatch(/^Anonymous [0-9A-F]{4}$/);
    expect(after.LAST_NAME).toBe('');
    expect(after.SECOND_NAME).toBe('');
    expect(after.EMAIL).toBe(`anon-${subject.ID}@anonymised.invalid`);
    expect(after.EMAIL).toBe(anonymousEmail(subject.ID));
    for (const [field, value] of Object.entries(after)) {
      if (NOT_PERSONAL.has(field) || ['NAME', 'EMAIL', 'UF_DEPARTMENT'].includes(field)) continue;
      expect([field, value]).toEqual([field, '']);
    }
    // Department membership is kept by a plain anonymisation, and said so.
    expect(after.UF_DEPARTMENT).toEqual([1]);
    expect(outcome.kept).toEqual(['UF_DEPARTMENT']);
    // What changed is reported by field name, never by value.
    expect(outcome.changed).toContain('PERSONAL_MOBILE');
    expect(outcome.changed).toContain('PERSONAL_PHOTO');
    expect(outcome.changed.length).toBeGreaterThan(45);
    expect(JSON.stringify(outcome)).not.toContain(before.PERSONAL_MOBILE);
    expect(after.ACTIVE).toBe(true); // anonymising does not dismiss
  });

  it('a second run changes nothing and sends no write', async () => {
    const calls = world.portal.counters.calls('user.update', subject.ID);
    const again = await anonymise();
    expect(again.changed).toEqual([]);
    expect(world.portal.counters.calls('user.update', subject.ID)).toBe(calls);
    const user = (await readProfiles(world.admin, [subject.ID])).get(subject.ID)!;
    expect(isProfileAnonymised(user, pseudonymFor(subject.ID))).toBe(true);
    expect(await checkProfile({ portal: world.admin, pseudonymFor, subjectUserId: subject.ID })).toEqual({
      userId: subject.ID,
      anonymised: true,
      remaining: [],
      active: true,
    });
  });

  it('leaves other users untouched', () => {
    expect(world.portal.state.user(colleague.ID)).toEqual(colleague);
    expect(world.portal.state.user(colleague.ID)?.NAME).toBe('Max');
  });

  it('keeps the subject’s posts and messages, which no longer name them', async () => {
    const s = world.portal.seed.user(fullProfile('Hanna', 'Hidden'));
    const chat = world.portal.seed.chat([s.ID, colleague.ID], { title: 'Design' });
    const message = world.portal.seed.message(chat.id, s.ID, 'Draft attached');
    const post = world.portal.seed.post(s.ID, 'Hello all');
    await anonymise(s.ID);

    const asColleague = world.clientOf(colleague.ID);
    const dialog = await asColleague.call('im.dialog.messages.get', { DIALOG_ID: `chat${chat.id}` });
    expect(dialog.messages.map((m) => [m.id, m.author_id, m.text])).toEqual([
      [message.id, s.ID, 'Draft attached'],
    ]);
    expect(dialog.users).toEqual([
      expect.objectContaining({ id: s.ID, name: pseudonymFor(s.ID), last_name: '' }),
    ]);
    expect(JSON.stringify(dialog.users)).not.toMatch(/Hanna|Hidden|hanna@/);

    const [feed] = await asColleague.call('log.blogpost.get', { POST_ID: post.id });
    expect(feed).toMatchObject({ AUTHOR_ID: String(s.ID), DETAIL_TEXT: 'Hello all' });
    const [author] = await asColleague.call('user.get', { FILTER: { ID: s.ID } });
    expect(author).toMatchObject({ NAME: pseudonymFor(s.ID), LAST_NAME: '', PERSONAL_PHOTO: '' });
  });

  it('clears departments when asked (erasure does)', async () => {
    const s = world.portal.seed.user(fullProfile('Dora', 'Dept'));
    const outcome = await anonymise(s.ID, { clearDepartments: true });
    expect(world.portal.state.user(s.ID)?.UF_DEPARTMENT).toEqual([]);
    expect(outcome.kept).toEqual([]);
    expect(outcome.changed).toContain('UF_DEPARTMENT');
  });

  it('anonymises several users with one read and one write request', async () => {
    const dismissed = [1, 2, 3].map((n) =>
      world.portal.seed.user({ ...fullProfile(`Former${n}`, 'Employee'), ACTIVE: false }),
    );
    world.portal.counters.reset();
    const outcomes = await anonymiseProfiles(
      { portal: world.admin, pseudonymFor },
      dismissed.map((u) => u.ID),
    );
    expect(outcomes.map((o) => o.userId)).toEqual(dismissed.map((u) => u.ID));
    expect(world.portal.counters.httpRequests).toBe(2);
    expect(world.portal.counters.calls('user.update')).toBe(3);
    for (const u of dismissed) {
      expect(world.portal.state.user(u.ID)).toMatchObject({
        NAME: pseudonymFor(u.ID),
        PERSONAL_CITY: '',
        ACTIVE: false,
      });
    }
    // Distinct users get distinct pseudonyms, the same user always the same one.
    expect(new Set(dismissed.map((u) => pseudonymFor(u.ID))).size).toBe(3);
  });

  it('refuses unknown users before writing anything', async () => {
    const s = world.portal.seed.user(fullProfile('Kept', 'Intact'));
    world.portal.counters.reset();
    const attempt = anonymiseProfiles({ portal: world.admin, pseudonymFor }, [s.ID, 9999]);
    await expect(attempt).rejects.toBeInstanceOf(UnknownSubjectError);
    await expect(attempt).rejects.toMatchObject({ userIds: [9999], message: 'The portal has no user 9999.' });
    await expect(anonymise(0)).rejects.toBeInstanceOf(UnknownSubjectError);
    expect(world.portal.counters.calls('user.update')).toBe(0);
    expect(world.portal.state.user(s.ID)?.NAME).toBe('Kept');
  });
});
