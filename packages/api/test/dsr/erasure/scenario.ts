import type { SandboxPortal } from '@b24-gdpr/sandbox';
import { fullProfile } from './world.ts';

/**
 * A subject with content everywhere an erasure looks, next to a colleague whose content must survive:
 * a group chat with the admin, a private chat with the colleague, a private chat with the admin, Live
 * Feed posts (one addressed only to the colleague, so the admin cannot see it), comments on both
 * people's posts, an already-deleted message, tasks and a calendar event.
 */
export function seedScenario(portal: SandboxPortal) {
  const { seed } = portal;
  const subject = seed.user(fullProfile('Erika', 'Mustermann'));
  const colleague = seed.user(fullProfile('Max', 'Muster'));
  const bystander = seed.user(fullProfile('Olga', 'Other'));

  const group = seed.chat([1, subject.ID, colleague.ID], { title: 'Project Apollo' });
  seed.messages(group.id, 10, { authorIds: [subject.ID, colleague.ID] });
  seed.message(group.id, subject.ID, '', { deleted: true, params: { IS_DELETED: 'Y' } });
  const privateWithColleague = seed.privateChat(subject.ID, colleague.ID);
  seed.messages(privateWithColleague.id, 6, { authorIds: [subject.ID, colleague.ID] });
  const privateWithAdmin = seed.privateChat(1, subject.ID);
  seed.messages(privateWithAdmin.id, 4, { authorIds: [1, subject.ID] });
  const othersOnly = seed.chat([colleague.ID, bystander.ID], { title: 'Lunch' });
  seed.messages(othersOnly.id, 4);

  const publicPost = seed.post(subject.ID, 'My first post', { dest: ['UA'] });
  const privatePost = seed.post(subject.ID, 'Just for Max', { dest: [`U${colleague.ID}`] });
  const colleaguePost = seed.post(colleague.ID, 'Team news', { dest: ['UA'] });
  const subjectComments = [
    seed.comment(colleaguePost.id, subject.ID, 'Congratulations!'),
    seed.comment(colleaguePost.id, subject.ID, 'Well done'),
    seed.comment(publicPost.id, subject.ID, 'Adding a link'),
  ];
  const colleagueOnSubjectPost = seed.comment(publicPost.id, colleague.ID, 'Nice');
  const colleagueOnOwnPost = seed.comment(colleaguePost.id, colleague.ID, 'Thanks all');

  const tasks = [
    seed.task('Prepare Q3 report', colleague.ID, subject.ID),
    seed.task('Review budget', subject.ID, 1),
  ];
  seed.task('Unrelated', colleague.ID, 1);
  const event = seed.calendarEvent(subject.ID, 'Dentist');
  seed.calendarEvent(colleague.ID, 'Team meeting', { attendees: [colleague.ID, subject.ID] });

  return {
    subject,
    colleague,
    bystander,
    chats: { group, privateWithColleague, privateWithAdmin, othersOnly },
    posts: { publicPost, privatePost, colleaguePost },
    subjectComments,
    colleagueComments: { colleagueOnSubjectPost, colleagueOnOwnPost },
    tasks,
    event,
  };
}

/** Live (not deleted) messages an author wrote, from the portal's own state. */
export function liveMessagesBy(portal: SandboxPortal, authorId: number) {
  return [...portal.state.messages.values()].filter((m) => m.authorId === authorId && !m.deleted);
}
