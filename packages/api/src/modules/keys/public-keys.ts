import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** A signing key's public half as published (`/audit/public-keys`, `public-keys.json`). */
export interface PublishedKey {
  /** First 16 hex digits of the SHA-256 of the key's SPKI DER (as CT names keys by their hash). */
  keyId: string;
  algorithm: 'Ed25519';
  /** SPKI, PEM. */
  publicKeyPem: string;
  /** SPKI DER, base64: the same key for tools that take raw bytes. */
  publicKey: string;
  /** ISO time from which it signs; null: since ever (a key given on its own, with no history). */
  validFrom: string | null;
  /** ISO time it was replaced; null while it is the current key. */
  validUntil: string | null;
}

/** The public half of a private key, a public key object, or a PEM. */
function publicOf(key: KeyObject | string): KeyObject {
  return typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
}

export function keyIdOf(key: KeyObject | string): string {
  const der = publicOf(key).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function publishedKeyOf(
  key: KeyObject | string,
  validFrom: string | null = null,
  validUntil: string | null = null,
): PublishedKey {
  const publicKey = publicOf(key);
  return {
    keyId: keyIdOf(publicKey),
    algorithm: 'Ed25519',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    validFrom,
    validUntil,
  };
}

/**
 * Public keys from what an auditor was given: the JSON of `/audit/public-keys` (`{ keys: [...] }` or the
 * bare list), one PEM, or base64 of one key's SPKI DER. Throws when it is none of those.
 */
export function parsePublicKeys(text: string): PublishedKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as { keys?: unknown } | unknown[];
    const list = Array.isArray(parsed) ? parsed : parsed.keys;
    if (!Array.isArray(list)) throw new Error('a JSON key list needs a "keys" array');
    return list.map((entry) => {
      const e = entry as Partial<PublishedKey>;
      const key = e.publicKeyPem ?? derKey(e.publicKey ?? '');
      return publishedKeyOf(key, e.validFrom ?? null, e.validUntil ?? null);
    });
  }
  return [publishedKeyOf(trimmed.startsWith('-----') ? trimmed : derKey(trimmed))];
}

function derKey(base64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
}

/**
 * The key that signed something made at `at` and names `keyId` (older files name none: then the key valid
 * at that time). A reason instead when no given key fits.
 */
export function keyValidAt(
  keys: readonly PublishedKey[],
  keyId: string | undefined,
  at: string,
): PublishedKey | string {
  const time = Date.parse(at);
  const named = keyId ? keys.filter((k) => k.keyId === keyId) : keys;
  if (named.length === 0) return `no given public key has the key id ${keyId}`;
  const valid = named.find(
    (k) =>
      (k.validFrom === null || Date.parse(k.validFrom) <= time) &&
      (k.validUntil === null || time < Date.parse(k.validUntil)),
  );
  if (valid) return valid;
  const k = named[0]!;
  return `key ${k.keyId} was valid from ${k.validFrom ?? 'the start'} until ${k.validUntil ?? 'now'}, not at ${at}`;
}
