import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/core';
import type { PgBoss } from 'pg-boss';
import type { Config } from './config/config.ts';
import type { Logger } from './config/logger.ts';
import type { DatabaseKind } from './db/index.ts';
import { BossRequestQueue } from './jobs/request-queue.ts';
import { HandoffService } from './modules/app-handoff/handoff.service.ts';
import { type HandoffPortals, installedPortals } from './modules/app-handoff/handoff-portals.ts';
import { PageBundle } from './modules/app-pages/bundle.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { signerFrom } from './modules/audit/audit-signer.ts';
import { AuditPublishing } from './modules/audit-publish/audit-publishing.ts';
import { portalChatChannel } from './modules/audit-publish/portal-chat-channel.ts';
import { headExtendingPublished } from './modules/audit-publish/published-check.ts';
import { witnessChannel } from './modules/audit-publish/witness-channel.ts';
import { witnessesFrom } from './modules/audit-publish/witness-protocol.ts';
import { DismissedService } from './modules/dsr/dismissed.service.ts';
import { ErasureService } from './modules/dsr/erasure.service.ts';
import { ExportFiles } from './modules/dsr/export-files.ts';
import { computeErasurePlan, createRequestHandlers } from './modules/dsr/handlers/index.ts';
import { type RequestQueue, RequestService } from './modules/dsr/request.service.ts';
import { RequestRunner } from './modules/dsr/runner/request-runner.ts';
import { subjectStanding } from './modules/dsr/subject-standing.ts';
import { EditHistoryService } from './modules/edits/edit-history.service.ts';
import { impersonationSessionKeys } from './modules/edits/impersonation.ts';
import { PrincipalService } from './modules/identity/principal.service.ts';
import { SignInService } from './modules/identity/sign-in.service.ts';
import { codeIssuedEvent } from './modules/identity/sign-in-audit.ts';
import { TokenService } from './modules/identity/token.service.ts';
import { ImpersonationService } from './modules/impersonation/impersonation.service.ts';
import { sessionRefOf } from './modules/impersonation/session-keys.ts';
import type { SigningKeys } from './modules/keys/signing-keys.ts';
import type { PortalConnection } from './modules/portal/connect.ts';
import type { PortalDirectory } from './modules/portal/portal-directory.ts';
import { ChatEventPoller } from './modules/portal-events/chat-poller.ts';
import { PortalEventService } from './modules/portal-events/portal-event.service.ts';
import { ReportsService } from './modules/reports/reports.service.ts';
import { weeklyFileHeads } from './modules/reports/stored-heads.ts';
import { Decisions } from './modules/rights/decisions.ts';
import { RightsService } from './modules/rights/rights.service.ts';
import type { AppSecret } from './modules/settings/app-secret.ts';
import { SettingsService } from './modules/settings/settings.service.ts';

/** The composition root's product: one instance per process, shared by HTTP handlers, jobs and the CLI. */
export interface AppServices {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  portal: PortalConnection;
  directory: PortalDirectory;
  secret: AppSecret;
  /** The Ed25519 signing keys (weekly digests, tree heads): `signing.sign(bytes)`. */
  signing: SigningKeys;
  boss: PgBoss;
  queue: RequestQueue;
  /** Where users reach this API; known once the server listens. */
  urls: { public: string };
  tokens: TokenService;
  signIn: SignInService;
  /** The extension's sign-in through the app page (modules/app-handoff). */
  handoff: HandoffService;
  handoffPortals: HandoffPortals;
  /** The native pages' script and stylesheet (modules/app-pages/bundle.ts). */
  pageBundle: PageBundle;
  principals: PrincipalService;
  settings: SettingsService;
  rights: RightsService;
  decisions: Decisions;
  requests: RequestService;
  erasure: ErasureService;
  dismissed: DismissedService;
  exports: ExportFiles;
  runner: RequestRunner;
  audit: AuditService;
  /** Signed heads published to the portal's chat and witnesses; the verifier that reads them back. */
  publishing: AuditPublishing;
  impersonation: ImpersonationService;
  edits: EditHistoryService;
  portalEvents: PortalEventService;
  chatPoller: ChatEventPoller;
  reports: ReportsService;
}

export interface AppDependencies {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  /** PGlite shares one session between connections, so no named prepared statements there. */
  databaseKind: DatabaseKind;
  portal: PortalConnection;
  secret: AppSecret;
  signing: SigningKeys;
  boss: PgBoss;
}

export function createAppServices(deps: AppDependencies): AppServices {
  const tokens = new TokenService();
  const witnesses = witnessesFrom(deps.config);
  const directory = deps.portal.directory;
  const settings = new SettingsService();
  const rights = new RightsService();
  const decisions = new Decisions(directory, settings, rights);
  const queue = new BossRequestQueue(deps.boss);
  const urls = { public: deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}` };
  const requests = new RequestService(
    decisions,
    queue,
    () => deps.secret,
    (tx, drafts) => services.audit.append(tx, drafts),
  );
  const editorStanding = subjectStanding(() => deps.secret);
  // Every stored edit also goes to the audit log, in the same transaction (services is complete by then).
  const edits = new EditHistoryService({
    audit: { append: (em, drafts) => services.audit.append(em, drafts) },
    isImpersonatedSession: impersonationSessionKeys(deps.orm),
    editorStanding,
  });
  const services = {
    ...deps,
    edits,
    portalEvents: new PortalEventService({
      orm: deps.orm,
      portal: deps.portal,
      edits,
      logger: deps.logger.child({ component: 'portal-events' }),
      publicUrl: () => urls.public,
    }),
    chatPoller: new ChatEventPoller({
      orm: deps.orm,
      portal: deps.portal,
      edits,
      standing: editorStanding,
      logger: deps.logger.child({ component: 'chat-poller' }),
    }),
    directory,
    queue,
    urls,
    tokens,
    signIn: new SignInService(directory, tokens, deps.logger, undefined, (tx, userId) =>
      services.audit.append(tx, [codeIssuedEvent(userId)]).then(() => undefined),
    ),
    principals: new PrincipalService(tokens, directory),
    handoff: new HandoffService(tokens),
    handoffPortals: installedPortals(deps),
    pageBundle: new PageBundle(deps.config.APP_PAGE_ASSETS_DIR),
    settings,
    rights,
    decisions,
    requests,
    audit: new AuditService(() => deps.secret, settings, {
      preparedReads: deps.databaseKind === 'postgres',
      // Tree heads are signed with the installation's key (key files or environment, never a table).
      signer: signerFrom(
        () => deps.signing.current(),
        () => deps.signing.published(),
      ),
      headIntervalMs: deps.config.AUDIT_HEAD_INTERVAL_SECONDS * 1000,
    }),
    publishing: new AuditPublishing({
      audit: {
        verify: (...a) => services.audit.verify(...a),
        treeHead: (em) => services.audit.treeHead(em),
        extendsHeads: (...a) => services.audit.extendsHeads(...a),
      },
      channels: [
        portalChatChannel(deps.portal.client, deps.portal.adminUserId),
        ...witnesses.map(witnessChannel),
      ],
      witnesses,
      logger: deps.logger.child({ component: 'audit-publish' }),
      weeklyFiles: (em) => weeklyFileHeads(em, deps.config.DATA_DIR),
    }),
    reports: new ReportsService({
      dataDir: deps.config.DATA_DIR,
      smtpUrl: deps.config.SMTP_URL,
      from: deps.config.REPORT_FROM,
      settings,
      signing: deps.signing,
      logger: deps.logger.child({ component: 'reports' }),
      audit: (em, drafts) => services.audit.append(em, drafts),
      // The mailed file is a publication too: no head of a log that contradicts one already published.
      treeHead: async (em) =>
        headExtendingPublished(em, services.audit, [
          ...(await services.publishing.newestPublished()),
          ...(await weeklyFileHeads(em, deps.config.DATA_DIR)),
        ]),
      sessionRef: (key) => sessionRefOf(deps.secret, key),
      publishedHeads: () => services.publishing.newestPublished(),
    }),
    impersonation: new ImpersonationService({
      audit: () => services.audit,
      portal: deps.portal.client,
      directory,
      settings,
      logger: deps.logger.child({ component: 'impersonation' }),
      linkFor: (session) => `${urls.public}/impersonation-sessions/${session.id}`,
    }),
    erasure: new ErasureService(requests, (subjectUserId) => computeErasurePlan(deps.portal, subjectUserId)),
    dismissed: new DismissedService(directory, settings, requests),
    exports: new ExportFiles(
      deps.config.DATA_DIR,
      () => deps.secret,
      () => urls.public,
    ),
  } as Omit<AppServices, 'runner'> as AppServices;
  services.runner = new RequestRunner({
    orm: deps.orm,
    handlers: createRequestHandlers(services),
    owner: `${hostname()}:${process.pid}`,
    leaseMs: deps.config.DSR_LEASE_SECONDS * 1000,
    maxAttempts: deps.config.DSR_MAX_ATTEMPTS,
    logger: deps.logger.child({ component: 'requests' }),
    audit: (tx, drafts) => services.audit.append(tx, drafts),
  });
  return services;
}
