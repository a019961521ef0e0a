import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { appSecretBytes } from '../../config/key-values.ts';
import { AppSecret } from '../settings/app-secret.ts';
import { createPrivateFile, KeyFileError, readPrivateFile } from './key-files.ts';
import { type KeysConfig, type KeysLocation, keysLocation } from './key-location.ts';
import { deleteLegacyKeys, type LegacyKeys, readLegacyKeys } from './legacy-keys.ts';
import { keyIdOf } from './public-keys.ts';
import { SigningKeys } from './signing-keys.ts';

export interface InstallationKeys {
  secret: AppSecret;
  signing: SigningKeys;
}

export interface OpenKeysOptions {
  em: EntityManager;
  /**
   * The API (`create: true`) makes missing keys and moves keys out of the database of earlier versions;
   * workers and the CLI only read them, so one started on the wrong DATA_DIR stops instead of making keys
   * of its own.
   */
  create: boolean;
}

/** The app secret and the signing keys of this installation, from files or the environment, never a table. */
export async function openKeys(config: KeysConfig, options: OpenKeysOptions): Promise<InstallationKeys> {
  const location = keysLocation(config);
  const legacy = await readLegacyKeys(options.em);
  const secret = await openAppSecret(location, legacy, options);
  const signing = await openSigningKeys(location, legacy, options);
  if (legacy.secret || legacy.signing) await deleteLegacyKeys(options.em);
  return { secret, signing };
}

/** The app secret alone, for commands that sign nothing (`audit verify`). */
export async function readAppSecret(config: KeysConfig, em: EntityManager): Promise<AppSecret> {
  return openAppSecret(keysLocation(config), await readLegacyKeys(em), { em, create: false });
}

const notHere = (location: KeysLocation, what: string) =>
  new KeyFileError(
    `${what} is still in the database of an earlier version: start the API once on this DATA_DIR to move it to ${location.dir}`,
  );

async function openAppSecret(
  location: KeysLocation,
  legacy: LegacyKeys,
  { em, create }: OpenKeysOptions,
): Promise<AppSecret> {
  if (!location.secretFromEnv && (await readPrivateFile(location.secretFile)) === null) {
    if (!create) {
      if (legacy.secret) throw notHere(location, 'the app secret');
      throw new KeyFileError(
        `no app secret at ${location.secretFile}: start the API once on this DATA_DIR, or set AUDIT_KEYS_DIR or APP_SECRET`,
      );
    }
    if (!legacy.secret && (await hasRows(em, 'audit_event')))
      throw new KeyFileError(
        `no app secret at ${location.secretFile}, but the database holds audit events committed with one: ` +
          'set AUDIT_KEYS_DIR (or APP_SECRET) to where this installation keeps its keys',
      );
    await createPrivateFile(location.secretFile, `${legacy.secret ?? randomBytes(32).toString('base64')}\n`);
  }
  const secretText = location.secretFromEnv ?? (await readPrivateFile(location.secretFile)) ?? '';
  const secretBytes = appSecretBytes(secretText);
  if (!secretBytes) throw new KeyFileError(`${location.secretFile} does not hold base64 of 32 or more bytes`);
  if (legacy.secret && !Buffer.from(legacy.secret, 'base64').equals(secretBytes))
    throw new KeyFileError(
      `the database holds an app secret (system_setting 'app.secret') other than ${location.secretFromEnv ? 'APP_SECRET' : location.secretFile}: ` +
        'commitments made with it would no longer verify; keep one of them and remove the other',
    );
  return AppSecret.fromBytes(secretBytes);
}

async function openSigningKeys(
  location: KeysLocation,
  legacy: LegacyKeys,
  { em, create }: OpenKeysOptions,
): Promise<SigningKeys> {
  const signing = new SigningKeys(location);
  if (!location.signingKeyFromEnv && (await readPrivateFile(location.signingKeyFile)) === null) {
    if (!create) {
      if (legacy.signing) throw notHere(location, 'the report signing key');
    } else if (legacy.signing) {
      await createPrivateFile(location.signingKeyFile, legacy.signing.privateKeyPem);
      await signing.adoptLegacy(legacy.signing.privateKeyPem, legacy.signing.createdAt);
    } else if (await hasRows(em, 'weekly_report')) {
      throw new KeyFileError(
        `no signing key at ${location.signingKeyFile}, but weekly files were signed before: set AUDIT_KEYS_DIR ` +
          '(or AUDIT_SIGNING_KEY) to where this installation keeps its keys, or start a new key with `b24-gdpr keys rotate`',
      );
    } else {
      const { privateKey } = generateKeyPairSync('ed25519');
      await createPrivateFile(
        location.signingKeyFile,
        privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      );
    }
  }
  const current = await signing.current();
  if (legacy.signing && keyIdOf(legacy.signing.privateKeyPem) !== current.keyId)
    throw new KeyFileError(
      `the database holds a report signing key (report_signing_key) other than ${location.signingKeyFromEnv ? 'AUDIT_SIGNING_KEY' : location.signingKeyFile}: ` +
        'the weekly files signed with it would lose their published key; keep one of them and remove the other',
    );
  return signing;
}

async function hasRows(em: EntityManager, table: 'audit_event' | 'weekly_report'): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute<{ found: boolean }[]>(`select exists (select 1 from ${table}) as found`);
  return rows[0]?.found === true;
}
