import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.ts';
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
  publicKey: string;
  signature: { algorithm: 'Ed25519'; value: string };
}

export type UnsignedDigest = Omit<WeeklyDigest, 'signature'>;

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** digest.json's bytes: canonical JSON, so its hash (the next digest's `previousDigestHash`) is stable. */
export function signDigest(unsigned: UnsignedDigest, privateKey: KeyObject): string {
  const value = sign(null, Buffer.from(canonicalJson(unsigned)), privateKey).toString('base64');
  return canonicalJson({ ...unsigned, signature: { algorithm: 'Ed25519', value } });
}

export interface DigestCheck {
  ok: boolean;
  digest: WeeklyDigest | null;
  digestHash: string | null;
  /** Each line names what fails: a file, the signature, the digest itself. */
  problems: string[];
  checkedFiles: string[];
}

/**
 * Checks a weekly ZIP offline: every file's SHA-256 against the digest, no file missing or added, and the
 * signature against `publicKeyPem` when given, else against the key the digest carries.
 */
export function verifyDigestFile(zip: Buffer, publicKeyPem?: string): DigestCheck {
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
  const { signature, ...unsigned } = digest;
  const keySource = publicKeyPem ? 'the given public key' : "the digest's own public key";
  try {
    const key = createPublicKey(publicKeyPem ?? digest.publicKey);
    const good = verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      key,
      Buffer.from(signature.value, 'base64'),
    );
    if (!good) problems.push(`signature: does not verify against ${keySource}`);
  } catch (error) {
    problems.push(`signature: cannot be checked against ${keySource} (${(error as Error).message})`);
  }
  if (publicKeyPem && normalisePem(publicKeyPem) !== normalisePem(digest.publicKey ?? ''))
    problems.push('publicKey: the digest names a different public key than the one given');
  return { ok: problems.length === 0, digest, digestHash: sha256(raw), problems, checkedFiles };

  function fail(problem: string): DigestCheck {
    return { ok: false, digest: null, digestHash: null, problems: [problem], checkedFiles: [] };
  }
}

function normalisePem(pem: string): string {
  try {
    return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return pem.trim();
  }
}
