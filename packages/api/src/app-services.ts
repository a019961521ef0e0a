import type { MikroORM } from '@mikro-orm/core';
import type { Config } from './config/config.ts';
import type { Logger } from './config/logger.ts';
import { PrincipalService } from './modules/identity/principal.service.ts';
import { SignInService } from './modules/identity/sign-in.service.ts';
import { TokenService } from './modules/identity/token.service.ts';
import type { PortalConnection } from './modules/portal/connect.ts';
import type { PortalDirectory } from './modules/portal/portal-directory.ts';

/** The composition root's product: one instance per process, shared by HTTP handlers, jobs and the CLI. */
export interface AppServices {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  portal: PortalConnection;
  directory: PortalDirectory;
  tokens: TokenService;
  signIn: SignInService;
  principals: PrincipalService;
}

export function createAppServices(deps: {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  portal: PortalConnection;
}): AppServices {
  const tokens = new TokenService();
  const directory = deps.portal.directory;
  return {
    ...deps,
    directory,
    tokens,
    signIn: new SignInService(directory, tokens, deps.logger),
    principals: new PrincipalService(tokens, directory),
  };
}
