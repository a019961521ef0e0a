import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppServices } from '../../../app-services.ts';
import { DataSubjectRequest } from '../data-subject-request.entity.ts';
import { writeExportArchive } from '../export/index.ts';
import type { RequestHandler } from '../runner/request-runner.ts';
import { SubjectTokenRevokedError, subjectTokenDied } from '../subject-credentials.ts';
import { usableCredentials } from './subject.ts';
import { throttle } from './throttle.ts';

interface ExportCheckpoint {
  archive?: { bytes: number; sha256: string; expiresAt: string; manifest: unknown };
  notified?: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Export: build the archive (redone from scratch after a crash: reads are idempotent and a half-written
 * ZIP is worthless), then tell the subject through a Bitrix24 notification with the signed link.
 */
export function exportHandler(services: Omit<AppServices, 'runner'>): RequestHandler {
  return async (ctx) => {
    const { request } = ctx;
    const subjectUserId = request.subjectUserId!;
    let cp = request.checkpoint as ExportCheckpoint;

    if (!cp.archive) {
      await services.exports.ensureDir();
      const target = services.exports.pathFor(request.id);
      const partial = `${target}.partial`;
      const hash = createHash('sha256');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const archive = new PassThrough();
      const written = pipeline(archive, counter, createWriteStream(partial, { mode: 0o600 }));
      const report = throttle(1_000, (category: string, rows: number) =>
        ctx.progress({ step: `reading ${category}`, done: rows, total: null }),
      );
      const subjectCredentials = await services.portal.credentialStatus(subjectUserId);
      try {
        const manifest = await writeExportArchive(
          {
            portal: services.portal.client,
            asSubject: await usableCredentials(services.portal, subjectUserId),
            subjectCredentials,
            em: ctx.em.fork(),
            subjectUserId,
            portalDomain: services.portal.domain,
            secret: services.secret,
          },
          archive,
          (p) => report(p.category, p.rows),
          ctx.signal,
        );
        await written;
        await rename(partial, target);
        const { settings } = await services.settings.get(ctx.em);
        const expiresAt = new Date(Date.now() + settings.exportLinkTtlDays * DAY_MS);
        await ctx.em.nativeUpdate(
          DataSubjectRequest,
          { id: request.id },
          { archivePath: target, archiveExpiresAt: expiresAt },
        );
        request.archivePath = target;
        request.archiveExpiresAt = expiresAt;
        await ctx.checkpoint(
          { archive: { bytes, sha256: hash.digest('hex'), expiresAt: expiresAt.toISOString(), manifest } },
          { step: 'archive written', done: 1, total: 2 },
        );
        cp = request.checkpoint as ExportCheckpoint;
      } catch (error) {
        archive.destroy();
        await written.catch(() => {});
        await rm(partial, { force: true });
        if (await subjectTokenDied(error, services.portal, subjectUserId)) {
          throw new SubjectTokenRevokedError(
            'the export was reading their chats',
            'The unfinished archive was deleted and nothing was sent.',
          );
        }
        throw error;
      }
    }

    const archive = cp.archive!;
    if (!cp.notified) {
      const link = services.exports.linkFor({
        id: request.id,
        archiveExpiresAt: new Date(archive.expiresAt),
      });
      const days = Math.round((new Date(archive.expiresAt).getTime() - Date.now()) / DAY_MS);
      await services.directory.notify(
        subjectUserId,
        `Your personal data export is ready: ${link} — a ZIP of CSV files with everything the portal and b24-gdpr ` +
          `hold about you. The link works for ${days} days and only for you (open it with the b24-gdpr extension signed in).`,
      );
      await ctx.checkpoint({ notified: true }, { step: 'subject notified', done: 2, total: 2 });
    }
    return {
      archive: { bytes: archive.bytes, sha256: archive.sha256, expiresAt: archive.expiresAt },
      manifest: archive.manifest,
    };
  };
}
