import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config/config.ts';
import { tokenKeyBytes } from '../../config/key-values.ts';
import { SystemSetting } from '../../db/system-setting.entity.ts';
import { TokenCipher, TokenCipherError } from '../app/token-cipher.ts';
import { createPrivateFile, KeyFileError, readPrivateFile } from './key-files.ts';
import { keysLocation } from './key-location.ts';

/** A known value encrypted with the key, so a start with another key fails at once, not at the first refresh. */
const CHECK_KEY = 'app.token-key-check';
const CHECK_PLAIN = 'b24-gdpr token key check';

export type TokenKeyConfig = Pick<Config, 'DATA_DIR' | 'AUDIT_KEYS_DIR' | 'TOKEN_ENCRYPTION_KEY'>;

/** The file beside the app secret and the signing key (keys README). */
export function tokenKeyFile(config: TokenKeyConfig): string {
  return path.join(
    keysLocation({ ...config, APP_SECRET: undefined, AUDIT_SIGNING_KEY: undefined }).dir,
    'token-key',
  );
}

/**
 * The cipher of the stored portal tokens: TOKEN_ENCRYPTION_KEY, else the 0600 file `token-key` in the keys
 * folder (made by the API on first start; workers and the CLI only read it). A key other than the one the
 * stored tokens were written with is a start-up error naming the variable or file.
 */
export async function openTokenCipher(
  config: TokenKeyConfig,
  options: {
    em: EntityManager;
    create: boolean;
    /**
     * Where a new key's writes (the file and its check value) wait until start-up has succeeded (the API
     * runs them last), so a start that fails for another reason leaves no key behind. Without it, a new
     * key is written at once.
     */
    deferWrites?: (() => Promise<void>)[];
  },
): Promise<TokenCipher> {
  const file = tokenKeyFile(config);
  const source = config.TOKEN_ENCRYPTION_KEY ? 'TOKEN_ENCRYPTION_KEY' : file;
  let text = config.TOKEN_ENCRYPTION_KEY ?? (await readPrivateFile(file));
  let writeFile: (() => Promise<void>) | null = null;
  if (text === null) {
    if (!options.create)
      throw new KeyFileError(
        `no token key at ${file}: start the API once on this DATA_DIR, or set TOKEN_ENCRYPTION_KEY`,
      );
    const made = `${randomBytes(32).toString('base64')}\n`;
    text = made;
    writeFile = async () => {
      // Another start may have made one meanwhile (`wx`): then the check value below refuses ours.
      if (!(await createPrivateFile(file, made)))
        throw new KeyFileError(`${file} was made by another start meanwhile; start again`);
    };
  }
  const bytes = tokenKeyBytes(text);
  if (!bytes) throw new KeyFileError(`${source} does not hold 32 bytes as base64 or 64 hex digits`);
  const cipher = new TokenCipher(bytes);
  const em = options.em.fork();
  const check = await em.findOne(SystemSetting, { key: CHECK_KEY });
  if (check) {
    try {
      cipher.decrypt(String(check.value), CHECK_KEY);
    } catch (error) {
      if (!(error instanceof TokenCipherError)) throw error;
      throw new KeyFileError(
        `${source} is not the key the stored portal tokens were encrypted with: set TOKEN_ENCRYPTION_KEY (or the keys folder) to that key, or uninstall and install the application again`,
      );
    }
  } else if (options.create) {
    const writeCheck = async () => {
      em.create(SystemSetting, { key: CHECK_KEY, value: cipher.encrypt(CHECK_PLAIN, CHECK_KEY) });
      await em.flush();
    };
    const writes = async () => {
      await writeFile?.();
      await writeCheck();
    };
    if (options.deferWrites) options.deferWrites.push(writes);
    else await writes();
    return cipher;
  }
  if (writeFile) {
    // A check value without the file: the key it was made with is lost, and this new one must not be used.
    throw new KeyFileError(
      `${file} is missing but the database holds tokens encrypted with a key: restore that file or set TOKEN_ENCRYPTION_KEY`,
    );
  }
  return cipher;
}
