import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';

/** What signs tree heads: the log's Ed25519 key, wherever it is kept. */
export interface TreeHeadSigner {
  /** The key heads are signed with now. */
  publicKey(): Promise<PublicKeyInfo>;
  /** Ed25519 over exactly these bytes. */
  sign(bytes: Uint8Array): Promise<Buffer>;
}

export interface PublicKeyInfo {
  /** Hex SHA-256 of the public key in SPKI DER: names the key in every head it signed. */
  keyId: string;
  /** SPKI, PEM. */
  pem: string;
}

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * A signer over the key the weekly reports are signed with (`ReportsService.signingKey`), asked for each
 * signature so that wherever that key comes from, heads follow it.
 */
export function signerFrom(
  key: () => Promise<{ publicKeyPem: string; privateKey: KeyObject }>,
): TreeHeadSigner {
  return {
    async publicKey() {
      const { publicKeyPem } = await key();
      return { keyId: keyIdOf(publicKeyPem), pem: publicKeyPem };
    },
    async sign(bytes) {
      return sign(null, bytes, (await key()).privateKey);
    },
  };
}
