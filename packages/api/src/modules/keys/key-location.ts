import path from 'node:path';
import type { Config } from '../../config/config.ts';

/** Where this installation's keys come from: files in one folder, or the environment for either secret. */
export interface KeysLocation {
  /** AUDIT_KEYS_DIR, default DATA_DIR/keys: never inside the database's own folder. */
  dir: string;
  /** The app secret, base64 (0600). */
  secretFile: string;
  /** The current Ed25519 signing key, PKCS#8 PEM (0600). */
  signingKeyFile: string;
  /** Every signing key's public half with its validity period (public, but kept beside the keys). */
  publicKeysFile: string;
  /** APP_SECRET, when set: used instead of the file. */
  secretFromEnv: string | undefined;
  /** AUDIT_SIGNING_KEY, when set: used instead of the file. */
  signingKeyFromEnv: string | undefined;
}

export type KeysConfig = Pick<Config, 'DATA_DIR' | 'AUDIT_KEYS_DIR' | 'APP_SECRET' | 'AUDIT_SIGNING_KEY'>;

export function keysLocation(config: KeysConfig): KeysLocation {
  const dir = config.AUDIT_KEYS_DIR ?? path.join(config.DATA_DIR, 'keys');
  return {
    dir,
    secretFile: path.join(dir, 'app-secret'),
    signingKeyFile: path.join(dir, 'signing-key.pem'),
    publicKeysFile: path.join(dir, 'public-keys.json'),
    secretFromEnv: config.APP_SECRET,
    signingKeyFromEnv: config.AUDIT_SIGNING_KEY,
  };
}
