import { readFile } from 'node:fs/promises';
import { signingKeyFrom } from '../../config/key-values.ts';
import { type KeysConfig, keysLocation } from './key-location.ts';
import { type PublishedKey, parsePublicKeys, publishedKeyOf } from './public-keys.ts';

/**
 * The public keys this installation publishes, read from its key folder (or AUDIT_SIGNING_KEY) without
 * the database: what an operator on the server checks a weekly file against. Null when none are here.
 */
export async function configuredPublicKeys(config: KeysConfig): Promise<PublishedKey[] | null> {
  const location = keysLocation(config);
  const list = await readFile(location.publicKeysFile, 'utf8').catch(() => null);
  if (list !== null) return parsePublicKeys(list);
  const fromEnv = location.signingKeyFromEnv ? signingKeyFrom(location.signingKeyFromEnv) : null;
  return fromEnv ? [publishedKeyOf(fromEnv)] : null;
}
