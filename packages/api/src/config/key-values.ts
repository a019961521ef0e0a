import { createPrivateKey, type KeyObject } from 'node:crypto';

/** Bytes of an app secret given as base64; null when it is not base64 of at least 32 bytes. */
export function appSecretBytes(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length >= 32 ? bytes : null;
}

export const isAppSecret = (text: string) => appSecretBytes(text) !== null;

/** An Ed25519 private key from PEM or from base64 of its PKCS#8 DER; null for anything else. */
export function signingKeyFrom(text: string): KeyObject | null {
  const trimmed = text.trim();
  try {
    const key = trimmed.startsWith('-----')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

export const isSigningKey = (text: string) => signingKeyFrom(text) !== null;

/** A token encryption key: exactly 32 bytes, as 64 hex digits or base64; null for anything else. */
export function tokenKeyBytes(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : null;
}
