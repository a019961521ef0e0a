import { APP_PAGE_ASSETS_PATH } from '@b24-gdpr/shared';
import { Hono } from 'hono';
import type { AppServices } from '../app-services.ts';
import { registerAppRoutes } from '../modules/app/app.routes.ts';
import {
  APP_FRAME_PATHS,
  APP_HANDOFF_PATH,
  answerHandoff,
  serveAppFrame,
  serveAppPageAsset,
} from '../modules/app-pages/app-pages.routes.ts';
import { exportAuditCsv } from '../modules/audit/audit-export.route.ts';
import { auditorJson, consistency, eventProof, treeHead } from '../modules/audit/audit-tree.routes.ts';
import { receivePortalEvent } from '../modules/portal-events/event-route.ts';
import { EVENTS_PATH } from '../modules/portal-events/events.ts';
import { downloadWeeklyReport, servePublicKey, servePublicKeys } from '../modules/reports/reports.routes.ts';
import type { GraphQLServer } from '../yoga.ts';
import { clientIp } from './client-ip.ts';
import { allowedOrigins, extensionCors } from './cors.ts';
import { downloadExport } from './export-download.ts';
import { GRAPHIQL_ASSETS, serveGraphiQLAsset } from './graphiql.ts';
import { graphqlBodyLimit } from './graphql-body-limit.ts';
import { showImpersonationSession } from './impersonation-session.ts';
import { uuidParam, wellFormedRequest } from './input-shape.ts';

/** Every HTTP route: GraphQL plus the few that are not (health, and later downloads and portal events). */
export function createHttpApp(services: AppServices, graphql: GraphQLServer): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    try {
      await services.orm.em.fork().getConnection().execute('select 1');
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'not ready' }, 503);
    }
  });

  const crossOrigin = extensionCors(allowedOrigins(services.config));
  // `/graphql` answers CORS itself (yoga.ts), so its response is not copied to add headers.
  for (const route of ['/exports/:id/download', '/audit/reports/:id/download']) {
    app.use(route, crossOrigin);
  }

  // Every string that enters by a route is well-formed text without NUL, and ids have their shape.
  app.use(wellFormedRequest());
  for (const route of [
    '/exports/:id/download',
    '/audit/reports/:id/download',
    '/impersonation-sessions/:id',
  ]) {
    app.use(route, uuidParam('id'));
  }

  app.get('/exports/:id/download', (c) => downloadExport(c, services));
  app.get('/audit/export.csv', (c) => exportAuditCsv(c, services));
  app.get('/audit/public-key', (c) => servePublicKey(c, services));
  app.get('/audit/public-keys', (c) => servePublicKeys(c, services));
  app.get('/audit/reports/:id/download', (c) => downloadWeeklyReport(c, services));
  app.get('/audit/tree-head', auditorJson(services, treeHead));
  app.get('/audit/events/:id/proof', auditorJson(services, eventProof));
  app.get('/audit/consistency', auditorJson(services, consistency));
  app.get('/impersonation-sessions/:id', (c) => showImpersonationSession(c, services));

  app.get(`${GRAPHIQL_ASSETS}/:file`, serveGraphiQLAsset);

  app.post(EVENTS_PATH, (c) => receivePortalEvent(c, services));
  registerAppRoutes(app, services);

  // The native pages inside Bitrix24 (modules/app-pages): frames the portal posts, their bundle, and
  // the extension's sign-in through them.
  for (const [view, route] of Object.entries(APP_FRAME_PATHS)) {
    app.post(route, (c) => serveAppFrame(c, services, view as keyof typeof APP_FRAME_PATHS));
  }
  app.post(APP_HANDOFF_PATH, (c) => answerHandoff(c, services));
  app.get(`${APP_PAGE_ASSETS_PATH}/:file`, (c) => serveAppPageAsset(c, services));

  app.use('/graphql', graphqlBodyLimit());
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c) =>
    graphql.fetch(c.req.raw, { services, ip: clientIp(c) }),
  );

  return app;
}
