import type { MikroORM } from '@mikro-orm/core';
import { type Config, portalMode } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { type HeadChannel, unreachableChannel } from '../modules/audit-publish/head-channel.ts';
import { portalChatChannel } from '../modules/audit-publish/portal-chat-channel.ts';
import { witnessChannel } from '../modules/audit-publish/witness-channel.ts';
import { type Witness, witnessesFrom } from '../modules/audit-publish/witness-protocol.ts';
import { openTokenCipher } from '../modules/keys/token-key.ts';
import { connectPortal } from '../modules/portal/connect.ts';
import { portalOfApi, readSandboxApp, witnessesOfApi } from '../runtime-files.ts';

/** Application mode with nothing installed: no portal to read heads from. */
const NOT_INSTALLED =
  'no portal: the application is not installed on a portal here (and BITRIX24_WEBHOOK_URL is not set)';

export interface ApiHeadChannels {
  channels: HeadChannel[];
  witnesses: Witness[];
  close(): Promise<void>;
}

/**
 * The channels the API publishes heads to, as the CLI reaches them: the portal of its own
 * BITRIX24_WEBHOOK_URL or SANDBOX_URL, else the sandbox the API on DATA_DIR advertises (as workers find
 * it); the witnesses of its own environment, else those the API recorded in DATA_DIR. A portal it cannot
 * find or reach stays a channel, one whose read fails, so the verifier names it unreachable instead of
 * counting a chat with no heads.
 */
export async function apiHeadChannels(
  config: Config,
  logger: Logger,
  orm?: MikroORM,
): Promise<ApiHeadChannels> {
  const witnesses = witnessesFrom(await witnessesOfApi(config));
  const portal = await portalOfApi(config);
  let chat: HeadChannel;
  let close = async () => {};
  const appMode = portalMode({ ...config, ...portal }) === 'app' && !portal.SANDBOX_URL;
  if (appMode && orm) {
    // Application mode: the installed portal and the administrator's token are in the database.
    try {
      const cipher = await openTokenCipher(config, { em: orm.em.fork(), create: false });
      const connection = await connectPortal({ ...config, ...portal }, logger, {
        startSandbox: false,
        app: { orm, cipher },
      });
      if (connection.app && !connection.app.credentials.current)
        connection.app.credentials.current = await readSandboxApp(config.DATA_DIR);
      close = () => connection.close();
      // Said to the person running the CLI, not as the token store's NO_AUTH_FOUND on the first read.
      chat = (await connection.app?.portals.current())
        ? portalChatChannel(connection.client, connection.adminUserId)
        : unreachableChannel('portal-chat', 'portal', NOT_INSTALLED);
    } catch (err) {
      chat = unreachableChannel('portal-chat', 'portal', (err as Error).message);
    }
  } else if (!portal.BITRIX24_WEBHOOK_URL && !portal.SANDBOX_URL) {
    chat = unreachableChannel(
      'portal-chat',
      'portal',
      `no portal: BITRIX24_WEBHOOK_URL is not set here and no API running on ${config.DATA_DIR} advertises its sandbox`,
    );
  } else {
    try {
      const connection = await connectPortal({ ...config, ...portal }, logger);
      close = () => connection.close();
      chat = portalChatChannel(connection.client, connection.adminUserId);
    } catch (err) {
      chat = unreachableChannel('portal-chat', 'portal', (err as Error).message);
    }
  }
  return { channels: [chat, ...witnesses.map(witnessChannel)], witnesses, close };
}
