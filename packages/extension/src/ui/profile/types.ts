import type { OperationResult } from '../../api/operations.ts';

/** Rights and the decisions for each action, as `userRights` answers. */
export type UserRights = Omit<
  Extract<OperationResult<'UserRights'>['userRights'], { __typename: 'UserRights' }>,
  '__typename'
>;
export type ActionDecision = UserRights['actions'][number];
export type DataSubjectAction = ActionDecision['action'];
/** A data-subject request (RequestFields). */
export type SubjectRequest =
  OperationResult<'DataSubjectRequests'>['dataSubjectRequests']['edges'][number]['node'];
export type ErasurePreview = Extract<
  OperationResult<'PreviewErasure'>['previewErasure'],
  { __typename: 'ErasurePreview' }
>;

/** Statuses in which a request still runs (its progress is worth following). */
export const OPEN_STATUSES: readonly SubjectRequest['status'][] = ['PENDING', 'RUNNING'];
