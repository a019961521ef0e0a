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

  /**
   * Deletes the archives of these export requests, half-written ones too, whatever their rows say (a
   * crash may have left a file its row no longer points to); returns how many files were there.
   */
  async deleteArchives(requestIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of requestIds) {
      for (const file of [this.pathFor(id), `${this.pathFor(id)}.partial`]) {
        if (await unlinkIfThere(file)) removed++;
      }
    }
    return removed;
  }

  /** Deletes archives whose links expired; returns how many. */
  async expire(em: EntityManager, now = new Date()): Promise<number> {
    const expired = await em.find(DataSubjectRequest, {
      type: 'EXPORT',
      archivePath: { $ne: null },
      archiveExpiresAt: { $lte: now },
    });
    for (const request of expired) {
      await unlinkIfThere(request.archivePath!);
      request.archivePath = null;
    }
    await em.flush();
    return expired.length;
  }
}

/** True when the file was there and is now gone. */
async function unlinkIfThere(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
