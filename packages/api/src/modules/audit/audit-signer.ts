import { type KeyObject, sign } from 'node:crypto';
import { keyIdOf, type PublishedKey, publishedKeyOf } from '../keys/public-keys.ts';

/** What signs tree heads: the log's Ed25519 key, wherever it is kept. */
export interface TreeHeadSigner {
  /** The key heads are signed with now. */
  publicKey(): Promise<PublicKeyInfo>;
  /** Ed25519 over exactly these bytes. */
  sign(bytes: Uint8Array): Promise<Buffer>;
  /**
   * Every key the log has signed with, each with its validity period (`/audit/public-keys`): a head is
   * checked with the key it names that was valid at its timestamp, so heads from before a rotation verify.
   */
  publishedKeys(): Promise<PublishedKey[]>;
}

export interface PublicKeyInfo {
  /** The keys module's key id (first 16 hex of the SHA-256 of the SPKI DER): names the key in every head. */
  keyId: string;
  /** SPKI, PEM. */
  pem: string;
}

export { keyIdOf };

/**
 * A signer over the installation's signing key (`SigningKeys.current`), asked for each signature so that
 * wherever that key comes from, heads follow it. `published` lists the keys with their periods; without
 * it (tests with a bare key pair) the current key is taken as valid since ever.
 */
export function signerFrom(
  key: () => Promise<{ publicKeyPem: string; privateKey: KeyObject }>,
  published?: () => Promise<PublishedKey[]>,
): TreeHeadSigner {
  return {
    async publicKey() {
      const { publicKeyPem } = await key();
      return { keyId: keyIdOf(publicKeyPem), pem: publicKeyPem };
    },
    async sign(bytes) {
      return sign(null, bytes, (await key()).privateKey);
    },
    async publishedKeys() {
      return published ? published() : [publishedKeyOf((await key()).publicKeyPem)];
    },
  };
}
