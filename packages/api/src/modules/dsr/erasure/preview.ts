import { type B24User, type Bitrix24Client, command, isUserActive } from '../../../bitrix24/index.ts';
import type { CredentialStatus } from '../../portal/connect.ts';
import { anonymousEmail } from '../anonymise/profile-fields.ts';
import { REASONS } from './categories.ts';
import { collectSubjectContent } from './collect-content.ts';
import { NotAdministratorError, SubjectAlreadyErasedError, UnknownSubjectError } from './errors.ts';
import { buildPlan, type ErasurePlan, type KeptItem, type UnavailableCategory } from './plan.ts';

export interface PreviewOptions {
  /** An administrator's client. */
  portal: Bitrix24Client;
  /** The subject's own client, when we hold their credentials: only the author may delete a message. */
  asSubject?: Bitrix24Client | undefined;
  /** Why `asSubject` is missing, when it is (PortalConnection.credentialStatus); named in the preview. */
  credentials?: CredentialStatus;
  subjectUserId: number;
  signal?: AbortSignal;
}

/**
 * Deactivated, with the anonymous e-mail that only our anonymisation writes: erased, or anonymised by
 * the dismissed-employee policy. Which of the two depends on whether content is left.
 */
export function looksErased(user: B24User): boolean {
  return !isUserActive(user) && user.EMAIL === anonymousEmail(Number(user.ID));
}

/** Looks the subject up and checks the admin client in one request. */
export async function lookUpSubject(
  portal: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<B24User> {
  if (!Number.isInteger(subjectUserId) || subjectUserId < 1) throw new UnknownSubjectError([subjectUserId]);
  const answer = await portal.batch(
    {
      subject: command('user.get', { FILTER: { ID: subjectUserId }, ADMIN_MODE: true }),
      admin: command('user.admin'),
    },
    signal ? { signal } : {},
  );
  if (answer.admin.status === 'error') throw answer.admin.error;
  if (answer.admin.status === 'ok' && answer.admin.result !== true) throw new NotAdministratorError();
  if (answer.subject.status === 'error') throw answer.subject.error;
  const user = answer.subject.status === 'ok' ? answer.subject.result[0] : undefined;
  if (!user || Number(user.ID) !== subjectUserId) throw new UnknownSubjectError([subjectUserId]);
  return user;
}

/**
 * What an erasure of `subjectUserId` will delete and keep, item by item, with a digest of that list.
 * Reads only. Throws UnknownSubjectError, NotAdministratorError, or SubjectAlreadyErasedError when
 * the profile is anonymous, the account inactive and nothing is left to delete.
 */
export async function previewErasure(options: PreviewOptions): Promise<ErasurePlan> {
  const { portal, subjectUserId, signal } = options;
  const subject = await lookUpSubject(portal, subjectUserId, signal);

  const content = await collectSubjectContent({
    admin: portal,
    asSubject: options.asSubject,
    subjectActive: isUserActive(subject),
    subjectUserId,
    signal,
  });
  const { items, notes } = content;
  const kept: KeptItem[] = [
    {
      category: 'account',
      portalId: String(subjectUserId),
      label: `User account #${subjectUserId}`,
      reason: REASONS.account,
    },
    {
      category: 'audit-trail',
      portalId: 'b24-gdpr',
      label: "This system's record of the request and of what it did",
      reason: REASONS.auditTrail,
    },
    ...content.kept,
  ];
  // Anonymised and deactivated (by an erasure, or by the dismissed-employee policy) with content left
  // to delete is still worth erasing; with nothing left, it is done.
  if (looksErased(subject) && items.length === 0) throw new SubjectAlreadyErasedError(subjectUserId);
  const plan = buildPlan(subjectUserId, items, kept, notes);
  const why = isUserActive(subject) ? options.credentials : DEACTIVATED;
  return { ...plan, unavailable: content.readAsSubject ? [] : unavailableCategories(why) };
}

/** A dismissed employee's own credentials stop with the account, whatever we hold. */
const DEACTIVATED: CredentialStatus = {
  state: 'dead',
  reason: 'the account is deactivated, and its own credentials stopped working with it',
};

/**
 * What cannot be read or erased in full without the subject's own credentials, and why: shown before
 * anyone confirms. The reason starts with the connection's own words for the missing credentials.
 */
export function unavailableCategories(credentials: CredentialStatus | undefined): UnavailableCategory[] {
  const why =
    credentials && credentials.state !== 'usable'
      ? `${credentials.state === 'dead' ? "The subject's token no longer works" : "No credentials of the subject's own are held"} (${credentials.reason}).`
      : "The subject's own credentials could not be used.";
  return [
    {
      category: 'chat-message',
      code: credentials?.state === 'dead' ? 'SUBJECT_TOKEN_DEAD' : 'NO_SUBJECT_CREDENTIALS',
      reason:
        `${why} Bitrix24 lists a chat only to its members, even to administrators: messages in chats the ` +
        'administrator is not a member of (private chats above all) can be neither found nor erased; those it can ' +
        'see are deleted after the account is deactivated.',
    },
    {
      category: 'live-feed-post',
      code: credentials?.state === 'dead' ? 'SUBJECT_TOKEN_DEAD' : 'NO_SUBJECT_CREDENTIALS',
      reason: `${why} The administrator does not see posts addressed only to others: those can be neither found nor erased.`,
    },
  ];
}
