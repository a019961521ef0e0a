import { verify } from 'node:crypto';
import { ConfigError } from '../../config/config.ts';
import { headBytes, parseHeads, type TreeHead } from '../audit/audit-tree-head.ts';
import { keyIdOf, type PublishedKey, parsePublicKeys } from '../keys/public-keys.ts';

/**
 * The witness protocol (README.md, "Witnesses"): `POST <url>` with a head's JSON answers
 * `{ witnessKeyId, countersignature }`, the witness's Ed25519 signature over the head's own signed bytes
 * (`headBytes`); `GET <url>` answers `{ head, witnessKeyId, countersignature }` for the newest head it
 * countersigned, 404 when none.
 */
export interface WitnessReceipt {
  head: TreeHead;
  /** keyIdOf the witness's public key. */
  witnessKeyId: string;
  /** Base64 Ed25519 over headBytes(head). */
  countersignature: string;
}

export interface Witness {
  url: string;
  key: PublishedKey;
}

/** AUDIT_WITNESS_URLS with AUDIT_WITNESS_KEYS, pairwise; a missing or bad key stops start-up naming it. */
export function witnessesFrom(config: {
  AUDIT_WITNESS_URLS: string[];
  AUDIT_WITNESS_KEYS: string[];
}): Witness[] {
  const { AUDIT_WITNESS_URLS: urls, AUDIT_WITNESS_KEYS: keys } = config;
  if (urls.length !== keys.length)
    throw new ConfigError(
      `Invalid AUDIT_WITNESS_KEYS: ${keys.length} keys for ${urls.length} AUDIT_WITNESS_URLS (one key per witness, in order)`,
    );
  return urls.map((url, i) => {
    try {
      const [key] = parsePublicKeys(keys[i]!);
      if (key?.publicKeyPem) return { url, key };
    } catch {
      // named below
    }
    throw new ConfigError(`Invalid AUDIT_WITNESS_KEYS: key ${i + 1} is not a base64 SPKI Ed25519 public key`);
  });
}

/** Null when `receipt` is a countersignature of its head by `witness`; otherwise why not. */
export function receiptProblem(receipt: WitnessReceipt, witness: Witness): string | null {
  if (receipt.witnessKeyId !== witness.key.keyId)
    return `countersigned by key ${receipt.witnessKeyId}, not the witness's ${witness.key.keyId}`;
  try {
    const good = verify(
      null,
      headBytes(receipt.head),
      witness.key.publicKeyPem,
      Buffer.from(receipt.countersignature, 'base64'),
    );
    return good ? null : 'the countersignature does not verify';
  } catch {
    return 'the countersignature is malformed';
  }
}

/** A receipt from JSON (a witness's answer, a stored row), with `head` given when the answer omits it. */
export function parseReceipt(json: unknown, head?: TreeHead): WitnessReceipt {
  const r = (json ?? {}) as Record<string, unknown>;
  if (typeof r.witnessKeyId !== 'string' || typeof r.countersignature !== 'string')
    throw new Error('the answer has no witnessKeyId and countersignature');
  return {
    head: r.head === undefined && head ? head : parseHeads(r.head)[0]!,
    witnessKeyId: r.witnessKeyId,
    countersignature: r.countersignature,
  };
}

export { keyIdOf };
