import { timingSafeEqual } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { AppSecret } from '../settings/app-secret.ts';
import { DataSubjectRequest } from './data-subject-request.entity.ts';

/**
 * Where export archives live and who may fetch them. A link is signed for one request and its expiry;
 * the download also needs the bearer token of the subject or the requester, so a forwarded link alone
 * opens nothing.
 */
export class ExportFiles {
  readonly dir: string;
  readonly #secret: () => AppSecret;
  readonly #publicUrl: () => string;

  constructor(dataDir: string, secret: () => AppSecret, publicUrl: () => string) {
    this.dir = path.join(dataDir, 'exports');
    this.#secret = secret;
    this.#publicUrl = publicUrl;
  }

  async ensureDir(): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    return this.dir;
  }

  pathFor(requestId: string): string {
    return path.join(this.dir, `${requestId}.zip`);
  }

  linkToken(request: Pick<DataSubjectRequest, 'id' | 'archiveExpiresAt'>): string {
    return this.#secret()
      .mac('export-link', `${request.id}|${request.archiveExpiresAt?.toISOString()}`)
      .slice(0, 40);
  }

  linkFor(request: Pick<DataSubjectRequest, 'id' | 'archiveExpiresAt'>): string {
    return `${this.#publicUrl()}/exports/${request.id}/download?token=${this.linkToken(request)}`;
  }

  download(request: DataSubjectRequest, now = new Date()): { url: string; expiresAt: Date } | null {
    if (
      request.type !== 'EXPORT' ||
      request.status !== 'COMPLETED' ||
      !request.archivePath ||
      !request.archiveExpiresAt
    )
      return null;
    if (request.archiveExpiresAt <= now) return null;
    return { url: this.linkFor(request), expiresAt: request.archiveExpiresAt };
  }

  tokenMatches(request: DataSubjectRequest, token: string): boolean {
    const expected = Buffer.from(this.linkToken(request));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Deletes archives whose links expired; returns how many. */
  async expire(em: EntityManager, now = new Date()): Promise<number> {
    const expired = await em.find(DataSubjectRequest, {
      type: 'EXPORT',
      archivePath: { $ne: null },
      archiveExpiresAt: { $lte: now },
    });
    for (const request of expired) {
      await unlink(request.archivePath!).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      request.archivePath = null;
    }
    await em.flush();
    return expired.length;
  }
}
