import { appEntities } from '../modules/app/entities.ts';
import { AppHandoff } from '../modules/app-handoff/app-handoff.entity.ts';
import { auditEntities } from '../modules/audit/entities.ts';
import { AuditHeadPublication } from '../modules/audit-publish/head-publication.entity.ts';
import { DataSubjectRequest } from '../modules/dsr/data-subject-request.entity.ts';
import { Dismissal } from '../modules/dsr/dismissal.entity.ts';
import { ErasureItem } from '../modules/dsr/erasure-item.entity.ts';
import { ContentVersion } from '../modules/edits/content-version.entity.ts';
import { ApiToken } from '../modules/identity/api-token.entity.ts';
import { AuditorGrant } from '../modules/identity/auditor-grant.entity.ts';
import { SignInCode } from '../modules/identity/sign-in-code.entity.ts';
import { SignInRequest } from '../modules/identity/sign-in-request.entity.ts';
import { ImpersonationSession } from '../modules/impersonation/impersonation-session.entity.ts';
import { ChatPollCursor } from '../modules/portal-events/chat-poll-cursor.entity.ts';
import { PortalEvent } from '../modules/portal-events/portal-event.entity.ts';
import { reportEntities } from '../modules/reports/weekly-report.entity.ts';
import { UserRights } from '../modules/rights/user-rights.entity.ts';
import { SystemSetting } from './system-setting.entity.ts';

/**
 * Every entity MikroORM knows. To add one: define it with `defineEntity` + `p` (`extends: BaseEntity` for the
 * shared id and timestamps), append it here, run `pnpm --filter @b24-gdpr/api migration:create <name>`, and
 * commit the new src/migrations/Migration<timestamp>_<name>.ts together with the updated .snapshot.json.
 */
export const entities = [
  SystemSetting,
  ApiToken,
  SignInCode,
  SignInRequest,
  AuditorGrant,
  UserRights,
  DataSubjectRequest,
  ErasureItem,
  Dismissal,
  ...auditEntities,
  AuditHeadPublication,
  ContentVersion,
  PortalEvent,
  ChatPollCursor,
  ImpersonationSession,
  ...reportEntities,
  ...appEntities,
  AppHandoff,
];
