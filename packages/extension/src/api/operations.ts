import {
  AuditEventsDocument,
  CancelRequestDocument,
  ConsoleChatCaptureDocument,
  ConsoleDismissedUsersDocument,
  ConsoleSetUserRightsDocument,
  ConsoleUsersDocument,
  DataSubjectRequestDocument,
  DataSubjectRequestsDocument,
  DismissedUsersDocument,
  EditHistoryDocument,
  EditSummariesDocument,
  EraseUserDocument,
  GrantAuditorDocument,
  ImpersonationSessionDocument,
  ImpersonationSessionsDocument,
  MeDocument,
  PreviewErasureDocument,
  RequestAnonymisationDocument,
  RequestAnonymisationsDocument,
  RequestDataExportDocument,
  type ResultOf,
  RetryRequestDocument,
  RevokeAuditorDocument,
  SettingsDocument,
  SetUserRightsDocument,
  UpdateSettingsDocument,
  UpdateWeeklyReportSettingsDocument,
  UserRightsDocument,
  UsersDocument,
  type VariablesOf,
  VerifyAuditLogDocument,
  WeeklyReportSettingsDocument,
  WeeklyReportsDocument,
} from '@b24-gdpr/shared/graphql';
import type { Outcome } from '../messaging/protocol.ts';
import type { Success } from './outcome.ts';
import { apiTransport } from './transport.ts';

/**
 * The operations pages, popup, options and console may run through the background's `graphql`
 * message, by name. Sign-in, sign-out, `recordEvents` and the impersonation mutations are not here:
 * the background runs those itself (auth.ts, event-queue.ts, impersonation.ts), so a page cannot
 * start or end a session or forge a token exchange.
 */
export const operations = {
  Me: MeDocument,
  Settings: SettingsDocument,
  UpdateSettings: UpdateSettingsDocument,
  WeeklyReportSettings: WeeklyReportSettingsDocument,
  UpdateWeeklyReportSettings: UpdateWeeklyReportSettingsDocument,
  Users: UsersDocument,
  DismissedUsers: DismissedUsersDocument,
  UserRights: UserRightsDocument,
  SetUserRights: SetUserRightsDocument,
  GrantAuditor: GrantAuditorDocument,
  RevokeAuditor: RevokeAuditorDocument,
  DataSubjectRequests: DataSubjectRequestsDocument,
  DataSubjectRequest: DataSubjectRequestDocument,
  RequestDataExport: RequestDataExportDocument,
  RequestAnonymisation: RequestAnonymisationDocument,
  RequestAnonymisations: RequestAnonymisationsDocument,
  PreviewErasure: PreviewErasureDocument,
  EraseUser: EraseUserDocument,
  RetryRequest: RetryRequestDocument,
  CancelRequest: CancelRequestDocument,
  EditSummaries: EditSummariesDocument,
  EditHistory: EditHistoryDocument,
  AuditEvents: AuditEventsDocument,
  WeeklyReports: WeeklyReportsDocument,
  VerifyAuditLog: VerifyAuditLogDocument,
  ImpersonationSessions: ImpersonationSessionsDocument,
  ImpersonationSession: ImpersonationSessionDocument,
  // The console's lists, without each user's per-action policy decisions (console.graphql).
  ConsoleUsers: ConsoleUsersDocument,
  ConsoleDismissedUsers: ConsoleDismissedUsersDocument,
  ConsoleSetUserRights: ConsoleSetUserRightsDocument,
  ConsoleChatCapture: ConsoleChatCaptureDocument,
} as const;

export type OperationName = keyof typeof operations;
export type OperationResult<N extends OperationName> = Success<ResultOf<(typeof operations)[N]>>;
export type OperationVariables<N extends OperationName> = VariablesOf<(typeof operations)[N]>;

export const isOperationName = (name: unknown): name is OperationName =>
  typeof name === 'string' && Object.hasOwn(operations, name);

/**
 * Runs an operation through the API transport (in the extension the background worker, which adds
 * the token; on the native pages the frame's session). Result and variable types come from the documents.
 */
export async function callApi<N extends OperationName>(
  operation: N,
  variables: OperationVariables<N>,
): Promise<Outcome<OperationResult<N>>> {
  const outcome = await apiTransport().graphql({
    operation,
    variables: variables as Record<string, unknown>,
  });
  return outcome as Outcome<OperationResult<N>>;
}
