import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { AppServices } from '../app-services.ts';
import { looksLikeUuid } from '../db/uuid.ts';
import { DataSubjectRequest } from '../modules/dsr/data-subject-request.entity.ts';

/**
 * GET /exports/:id/download?token=… — the archive, for the subject or the administrator who asked.
 * The signed link alone is not enough: the caller's bearer token must belong to one of them, so a
 * forwarded link opens nothing. Answers are plain JSON errors a person can read.
 */
export async function downloadExport(c: Context, services: AppServices): Promise<Response> {
  const em = services.orm.em.fork();
  const principal = await services.principals.fromAuthorization(em, c.req.header('authorization') ?? null);
  if (principal.kind !== 'user') {
    return c.json(
      { error: 'Sign in: send the bearer token of the employee or of the administrator who asked.' },
      401,
    );
  }
  const id = c.req.param('id') ?? '';
  const request = looksLikeUuid(id) ? await em.findOne(DataSubjectRequest, { id, type: 'EXPORT' }) : null;
  const token = c.req.query('token') ?? '';
  if (!request || !services.exports.tokenMatches(request, token))
    return c.json({ error: 'No such download.' }, 404);
  if (![request.subjectUserId, request.requesterUserId].includes(principal.userId)) {
    return c.json({ error: 'This download belongs to someone else.' }, 403);
  }
  if (!request.archivePath || !request.archiveExpiresAt || request.archiveExpiresAt <= new Date()) {
    return c.json({ error: 'This download has expired. Request a new export.' }, 410);
  }
  const size = (await stat(request.archivePath)).size;
  const day = request.createdAt.toISOString().slice(0, 10);
  return new Response(Readable.toWeb(createReadStream(request.archivePath)) as ReadableStream, {
    headers: {
      'content-type': 'application/zip',
      'content-length': String(size),
      'content-disposition': `attachment; filename="personal-data-${request.subjectUserId ?? 'subject'}-${day}.zip"`,
      'cache-control': 'no-store',
    },
  });
}
