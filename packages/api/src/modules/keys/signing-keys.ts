import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { signingKeyFrom } from '../../config/key-values.ts';
import { KeyFileError, readPrivateFile, writePrivateFile } from './key-files.ts';
import type { KeysLocation } from './key-location.ts';
import { keyIdOf, type PublishedKey, publishedKeyOf } from './public-keys.ts';

/** The key to sign with: its id, its public half, and the private key (which never leaves the process). */
export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

/** An Ed25519 signature with the id of the key that made it. */
export interface DetachedSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** base64 of the 64 signature bytes */
  value: string;
}

/**
 * The installation's Ed25519 signing keys: the current one, from AUDIT_SIGNING_KEY or
 * `AUDIT_KEYS_DIR/signing-key.pem`, and every key's public half with its validity period in
 * `public-keys.json`. A key rotated by another process (`b24-gdpr keys rotate`) is picked up at the next
 * signature; a retired key is refused, so nothing is signed again with a key whose period has ended.
 */
export class SigningKeys {
  readonly location: KeysLocation;
  readonly #now: () => Date;
  #cached: { stamp: string; key: SigningKey } | null = null;

  constructor(location: KeysLocation, now: () => Date = () => new Date()) {
    this.location = location;
    this.#now = now;
  }

  /** The key to sign with now; published in `public-keys.json` (retiring the one before) if new. */
  async current(): Promise<SigningKey> {
    const { signingKeyFromEnv, signingKeyFile } = this.location;
    const stamp = signingKeyFromEnv
      ? 'env'
      : await stat(signingKeyFile).then(
          (s) => `${s.ino}:${s.mtimeMs}:${s.size}`,
          () => 'missing',
        );
    if (this.#cached?.stamp === stamp) return this.#cached.key;
    const text = signingKeyFromEnv ?? (await readPrivateFile(signingKeyFile));
    if (text === null)
      throw new KeyFileError(
        `no signing key at ${signingKeyFile}: start the API once on this DATA_DIR, or set AUDIT_KEYS_DIR or AUDIT_SIGNING_KEY`,
      );
    const privateKey = signingKeyFrom(text);
    if (!privateKey)
      throw new KeyFileError(
        `${signingKeyFromEnv ? 'AUDIT_SIGNING_KEY' : signingKeyFile} is not an Ed25519 private key`,
      );
    const key = {
      keyId: keyIdOf(privateKey),
      publicKeyPem: publishedKeyOf(privateKey).publicKeyPem,
      privateKey,
    };
    await this.#publish(key, null);
    this.#cached = { stamp, key };
    return key;
  }

  /** Signs `bytes` with the current key. This is the one signing function of the system. */
  async sign(bytes: Buffer | string): Promise<DetachedSignature> {
    const key = await this.current();
    const value = sign(null, Buffer.from(bytes), key.privateKey).toString('base64');
    return { algorithm: 'Ed25519', keyId: key.keyId, value };
  }

  /** Every signing key's public half, oldest first (`/audit/public-keys`). */
  async published(): Promise<PublishedKey[]> {
    await this.current();
    return this.#readList();
  }

  /**
   * A new key replaces the current one: the old one's period ends now and its private key is deleted
   * (nothing made before needs signing again). Refused when the key comes from the environment.
   */
  async rotate(): Promise<{ retired: string | null; current: string }> {
    if (this.location.signingKeyFromEnv)
      throw new KeyFileError(
        'the signing key comes from AUDIT_SIGNING_KEY: put the new key there and restart (the old one is retired then)',
      );
    const before = await this.current().catch(() => null);
    const { privateKey } = generateKeyPairSync('ed25519');
    await writePrivateFile(
      this.location.signingKeyFile,
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    return { retired: before?.keyId ?? null, current: (await this.current()).keyId };
  }

  /** Adds a key first met now (or moved from the database, with its own start) and ends the open period. */
  async #publish(key: SigningKey, validFrom: string | null): Promise<void> {
    const list = await this.#readList();
    const known = list.find((k) => k.keyId === key.keyId);
    if (known?.validUntil)
      throw new KeyFileError(
        `the signing key ${key.keyId} was retired at ${known.validUntil} and may not sign again: ` +
          `run \`b24-gdpr keys rotate\` or give a new key (${this.location.publicKeysFile})`,
      );
    if (known) return;
    const now = this.#now().toISOString();
    const next = list.map((k) => (k.validUntil === null ? { ...k, validUntil: now } : k));
    next.push(publishedKeyOf(key.privateKey, validFrom ?? now, null));
    await writePrivateFile(this.location.publicKeysFile, `${JSON.stringify({ keys: next }, null, 2)}\n`);
  }

  /** The key moved out of the database by this version: published as valid since it was made. */
  async adoptLegacy(privateKeyPem: string, createdAt: Date): Promise<void> {
    const privateKey = createPrivateKey(privateKeyPem);
    const key = { keyId: keyIdOf(privateKey), publicKeyPem: '', privateKey };
    await this.#publish(key, createdAt.toISOString());
  }

  async #readList(): Promise<PublishedKey[]> {
    const text = await readFile(this.location.publicKeysFile, 'utf8').catch(() => null);
    if (text === null) return [];
    const parsed = JSON.parse(text) as { keys: PublishedKey[] };
    return parsed.keys;
  }
}
