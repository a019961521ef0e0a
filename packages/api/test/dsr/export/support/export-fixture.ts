import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createSandboxPortal, type SandboxOptions, type SandboxPortal } from '@b24-gdpr/sandbox';
import { Bitrix24Client, type Bitrix24ClientOptions } from '../../../../src/bitrix24/index.ts';
import {
  type ExportManifest,
  type ExportProgress,
  writeExportArchive,
} from '../../../../src/modules/dsr/export/index.ts';
import { AppSecret } from '../../../../src/modules/settings/app-secret.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/database.ts';
import { type ParsedCsv, readCsv, unzip } from './unzip.ts';

export interface ExportFixture {
  portal: SandboxPortal;
  db: TestDatabase;
  /** The admin webhook's client (user 1), as the API holds it. */
  admin: Bitrix24Client;
  /** A client acting as this user through their own webhook. */
  clientFor(userId: number): Bitrix24Client;
  /** The installation's secret, as the API loads it. */
  secret: AppSecret;
  close(): Promise<void>;
}

export interface FixtureOptions {
  sandbox?: SandboxOptions;
  /** For every client: a faster limiter or more retries than production's. */
  client?: Partial<Pick<Bitrix24ClientOptions, 'limiter' | 'retry'>>;
}

/** A sandbox portal and a migrated database: the two things an export reads. */
export async function startExportFixture(options: FixtureOptions = {}): Promise<ExportFixture> {
  const portal = await createSandboxPortal(options.sandbox);
  const db = await createTestDatabase();
  const secret = AppSecret.fromBytes(randomBytes(32));
  const clients = new Map<number, Bitrix24Client>();
  const clientFor = (userId: number) => {
    let client = clients.get(userId);
    if (!client) {
      // Fast retries: the faults under test come in bursts of a few requests.
      client = new Bitrix24Client({
        webhookUrl: portal.webhookUrl(userId),
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
        ...options.client,
      });
      clients.set(userId, client);
    }
    return client;
  };
  return {
    portal,
    db,
    admin: clientFor(1),
    clientFor,
    secret,
    close: async () => {
      await db.close();
      await portal.close();
    },
  };
}

export interface ExportResult {
  zip: Buffer;
  manifest: ExportManifest;
  files: Map<string, Buffer>;
  csv(name: string): ParsedCsv;
  progress: ExportProgress[];
}

/** Runs the export into memory and opens the archive. */
export async function runExport(
  fixture: ExportFixture,
  subjectUserId: number,
  options: { withSubjectCredentials?: boolean; signal?: AbortSignal } = {},
): Promise<ExportResult> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const progress: ExportProgress[] = [];
  const manifest = await writeExportArchive(
    {
      portal: fixture.admin,
      asSubject: options.withSubjectCredentials === false ? undefined : fixture.clientFor(subjectUserId),
      em: fixture.db.orm.em.fork(),
      subjectUserId,
      portalDomain: fixture.portal.domain,
      secret: fixture.secret,
    },
    out,
    (p) => progress.push(p),
    options.signal,
  );
  const zip = Buffer.concat(chunks);
  const files = await unzip(zip);
  return {
    zip,
    manifest,
    files,
    progress,
    csv(name) {
      const bytes = files.get(`${name}.csv`);
      if (!bytes) throw new Error(`${name}.csv is not in the archive`);
      return readCsv(bytes);
    },
  };
}
