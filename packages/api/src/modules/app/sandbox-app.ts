import type { SandboxPortal } from '@b24-gdpr/sandbox';
import type { Logger } from '../../config/logger.ts';
import type { AppRuntime } from './app-connection.ts';
import { APP_PATHS, APP_SCOPES } from './app-paths.ts';
import type { ClientCredentials } from './oauth-server.ts';

/**
 * `pnpm start` without a real portal: registers our application in the in-process sandbox, the way an
 * administrator fills in the local application form (README "Creating a local application"), and adds it
 * as user 1. The sandbox then delivers ONAPPINSTALL with the installer's tokens to our install handler
 * (the Market card's "installation event handler URL": no installer page to click through), and our
 * handler binds the placements. Resolves once the portal is stored here and the placements are bound.
 */
export async function installInSandbox(
  sandbox: SandboxPortal,
  app: AppRuntime,
  publicUrl: string,
  logger: Logger,
): Promise<ClientCredentials> {
  const url = (path: string) => new URL(path, publicUrl).toString();
  const registered = sandbox.apps.register({
    name: 'b24-gdpr',
    handlerUrl: url(APP_PATHS.page),
    installEventHandlerUrl: url(APP_PATHS.install),
    scope: [...APP_SCOPES],
  });
  const credentials = { clientId: registered.clientId, clientSecret: registered.clientSecret };
  app.credentials.current = credentials;
  sandbox.apps.install(registered.id);
  await sandbox.events.flush();
  app.portals.forget();
  // The delivery has happened (flush); the binds follow our answer.
  await app.lastBind;
  const portal = await app.portals.current();
  if (!portal) throw new Error('the sandbox did not install the application (no ONAPPINSTALL arrived)');
  logger.info(
    { appId: registered.id, clientId: registered.clientId },
    'application installed in the sandbox',
  );
  return credentials;
}
