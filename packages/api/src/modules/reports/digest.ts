import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import { canonicalJson } from '../audit/canonical-json.ts';
import {
  keyIdOf,
  keyValidAt,
  type PublishedKey,
  parsePublicKeys,
  publishedKeyOf,
} from '../keys/public-keys.ts';
import type { SigningKey } from '../keys/signing-keys.ts';
import { readZipEntries } from './zip-reader.ts';

export const DIGEST_FILE = 'digest.json';
export const DIGEST_FORMAT = 'b24-gdpr/weekly-digest/1';

/** What digest.json says; `signature` is Ed25519 over the RFC 8785 JSON of everything else. */
export interface WeeklyDigest {
  format: typeof DIGEST_FORMAT;
  week: string;
  timeZone: string;
  period: { start: string; end: string };
  generatedAt: string;
  eventCount: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The chain hash before the first event of the week (links the week to the one before). */
  firstPrevHash: string | null;
  firstHash: string | null;
  lastHash: string | null;
  /** SHA-256 of the previous week's digest.json, null for the first file. */
  previousDigestHash: string | null;
  files: Record<string, { sha256: string; bytes: number }>;
  /**
   * The audit log's signed tree head when the file was made (docs/audit-proofs.md): it covers every event
   * of the week, so the mailed file is a copy of a head outside the database. Absent in older files.
   */
  treeHead?: TreeHead | null;
  /** The signing key's public half (SPKI PEM): trusted only when asked (`--trust-embedded-key`). */
  publicKey: string;
  /** Not signed itself; `keyId` (absent in files made before key rotation) names the key that signed. */
  signature: { algorithm: 'Ed25519'; keyId?: string; value: string };
}

export type UnsignedDigest = Omit<WeeklyDigest, 'signature'>;

/** The digest a stored weekly file carries, unchecked; null for a file that is gone or has none. */
export async function storedDigest(file: string): Promise<Partial<WeeklyDigest> | null> {
  const zip = await readFile(file).catch(() => null);
  const digest = zip ? readZipEntries(zip).get(DIGEST_FILE) : undefined;
  return digest ? (JSON.parse(digest.toString('utf8')) as Partial<WeeklyDigest>) : null;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** digest.json's bytes: canonical JSON, so its hash (the next digest's `previousDigestHash`) is stable. */
export function signDigest(unsigned: UnsignedDigest, key: SigningKey): string {
  const value = sign(null, Buffer.from(canonicalJson(unsigned)), key.privateKey).toString('base64');
  return canonicalJson({ ...unsigned, signature: { algorithm: 'Ed25519', keyId: key.keyId, value } });
}

/**
 * Which keys a check trusts: the published keys it was given (the key valid when the file was made and
 * named by its signature), or, only when asked for explicitly, the key the file carries itself.
 */
export type DigestTrust = { publicKeys: readonly PublishedKey[] } | { trustEmbeddedKey: true };

export interface DigestCheck {
  ok: boolean;
  digest: WeeklyDigest | null;
  digestHash: string | null;
  /** Each line names what fails: a file, the signature, the digest itself. */
  problems: string[];
  checkedFiles: string[];
  /** The key the signature verified against, when it did. */
  keyId: string | null;
}

/**
 * Checks a weekly ZIP offline: every file's SHA-256 against the digest, no file missing or added, and the
 * signature against the trusted keys (a PEM string is one key, valid at any time).
 */
export function verifyDigestFile(zip: Buffer, trust: DigestTrust | string): DigestCheck {
  const trusted: DigestTrust = typeof trust === 'string' ? { publicKeys: parsePublicKeys(trust) } : trust;
  const problems: string[] = [];
  let entries: Map<string, Buffer>;
  try {
    entries = readZipEntries(zip);
  } catch (error) {
    return fail(`archive: ${(error as Error).message}`);
  }
  const raw = entries.get(DIGEST_FILE);
  if (!raw) return fail(`${DIGEST_FILE}: missing from the archive`);
  let digest: WeeklyDigest;
  try {
    digest = JSON.parse(raw.toString('utf8')) as WeeklyDigest;
    if (digest.format !== DIGEST_FORMAT || typeof digest.files !== 'object' || !digest.signature?.value)
      throw new Error(`not a ${DIGEST_FORMAT} digest`);
  } catch (error) {
    return fail(`${DIGEST_FILE}: ${(error as Error).message}`);
  }
  const checkedFiles: string[] = [];
  for (const [name, expected] of Object.entries(digest.files)) {
    const content = entries.get(name);
    if (!content) {
      problems.push(`${name}: listed in the digest but missing from the archive`);
      continue;
    }
    const actual = sha256(content);
    if (actual !== expected.sha256)
      problems.push(`${name}: SHA-256 ${actual} does not match the digest's ${expected.sha256}`);
    else if (content.length !== expected.bytes)
      problems.push(`${name}: ${content.length} bytes, the digest says ${expected.bytes}`);
    else checkedFiles.push(name);
  }
  for (const name of entries.keys()) {
    if (name !== DIGEST_FILE && !(name in digest.files)) problems.push(`${name}: not listed in the digest`);
  }
  const keyId = checkSignature(digest, trusted, problems);
  return { ok: problems.length === 0, digest, digestHash: sha256(raw), problems, checkedFiles, keyId };

  function fail(problem: string): DigestCheck {
    return { ok: false, digest: null, digestHash: null, problems: [problem], checkedFiles: [], keyId: null };
  }
}

/** The id of the key the signature verifies against, or null with the reason among `problems`. */
function checkSignature(digest: WeeklyDigest, trust: DigestTrust, problems: string[]): string | null {
  const { signature, ...unsigned } = digest;
  let key: PublishedKey;
  const source = 'trustEmbeddedKey' in trust ? "the digest's own public key" : 'the given public keys';
  try {
    if ('trustEmbeddedKey' in trust) key = publishedKeyOf(digest.publicKey);
    else {
      const valid = keyValidAt(trust.publicKeys, signature.keyId, digest.generatedAt);
      if (typeof valid === 'string') {
        problems.push(`signature: ${valid}`);
        return null;
      }
      key = valid;
    }
    const good = verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      createPublicKey(key.publicKeyPem),
      Buffer.from(signature.value, 'base64'),
    );
    if (!good) {
      problems.push(`signature: does not verify against ${source}`);
      return null;
    }
  } catch (error) {
    problems.push(`signature: cannot be checked against ${source} (${(error as Error).message})`);
    return null;
  }
  if (!('trustEmbeddedKey' in trust) && embeddedKeyId(digest) !== key.keyId)
    problems.push(`publicKey: the digest names a different public key than ${key.keyId}, which signed it`);
  return key.keyId;
}

function embeddedKeyId(digest: WeeklyDigest): string | null {
  try {
    return keyIdOf(digest.publicKey);
  } catch {
    return null;
  }
}
