import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { SessionRefOf } from '../audit/audit-csv.ts';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import { ZipWriter } from '../dsr/export/zip-writer.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { DIGEST_FILE, DIGEST_FORMAT, sha256, signDigest, type UnsignedDigest } from './digest.ts';
import {
  chainSummary,
  editsCsv,
  eventsCsv,
  eventsJsonl,
  hashing,
  impersonationsCsv,
} from './report-files.ts';

export interface BuildInput {
  dir: string;
  week: string;
  timeZone: string;
  period: { start: Date; end: Date };
  signing: SigningKeys;
  /** The digest hash of the stored file before this week, which this digest links to. */
  previousDigestHash: string | null;
  /** The audit log's signed tree head now, carried in the digest (null: no log to sign). */
  treeHead: TreeHead | null;
  /** What the files show for a session key (never the key: audit-csv.ts). */
  sessionRef: SessionRefOf;
  generatedAt: Date;
}

/** A finished, signed file on disk and the report columns that describe it. */
export interface BuiltFile {
  path: string;
  fields: {
    week: string;
    timeZone: string;
    periodStart: Date;
    periodEnd: Date;
    fileName: string;
    bytes: number;
    sha256: string;
    digestHash: string;
    previousDigestHash: string | null;
    eventCount: number;
    firstHash: string | null;
    lastHash: string | null;
  };
}

/** Writes the week's ZIP (written as `.partial`, renamed when complete; nothing is left on failure). */
export async function buildReportFile(em: EntityManager, input: BuildInput): Promise<BuiltFile> {
  const { week, period, generatedAt } = input;
  const summary = await chainSummary(em, period);
  // The audit log is personal data: the folder and files are the service user's only, like exports/.
  await mkdir(input.dir, { recursive: true, mode: 0o700 });
  await chmod(input.dir, 0o700);
  const stamp = generatedAt.toISOString().replace(/[-:.]/g, '');
  const fileName = `audit-week-${week}-${stamp}.zip`;
  const target = path.join(input.dir, fileName);
  const partial = `${target}.partial`;
  const zip = new ZipWriter(createWriteStream(partial, { mode: 0o600 }), generatedAt);
  const files: UnsignedDigest['files'] = {};
  try {
    const entries = [
      ['events.csv', eventsCsv(em, period, input.sessionRef)],
      ['events.jsonl', eventsJsonl(em, period, input.sessionRef)],
      ['impersonations.csv', impersonationsCsv(em, period, input.sessionRef)],
      ['edits.csv', editsCsv(em, period, input.sessionRef)],
    ] as const;
    for (const [name, source] of entries) {
      const hashed = hashing(source);
      await zip.add(name, hashed.stream);
      files[name] = hashed.result();
    }
    const key = await input.signing.current();
    const unsigned: UnsignedDigest = {
      format: DIGEST_FORMAT,
      week,
      timeZone: input.timeZone,
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      generatedAt: generatedAt.toISOString(),
      ...summary,
      previousDigestHash: input.previousDigestHash,
      files,
      treeHead: input.treeHead,
      publicKey: key.publicKeyPem,
    };
    const digestText = signDigest(unsigned, key);
    await zip.addText(DIGEST_FILE, digestText);
    await zip.finish();
    await rename(partial, target);
    const bytes = await readFile(target);
    return {
      path: target,
      fields: {
        week,
        timeZone: input.timeZone,
        periodStart: period.start,
        periodEnd: period.end,
        fileName,
        bytes: bytes.length,
        sha256: sha256(bytes),
        digestHash: sha256(digestText),
        previousDigestHash: input.previousDigestHash,
        eventCount: summary.eventCount,
        firstHash: summary.firstHash,
        lastHash: summary.lastHash,
      },
    };
  } catch (error) {
    zip.abort(error as Error);
    await rm(partial, { force: true });
    throw error;
  }
}
