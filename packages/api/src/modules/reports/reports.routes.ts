import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { AppServices } from '../../app-services.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /audit/public-key: the Ed25519 key the weekly digests are signed with now (PEM, public). */
export async function servePublicKey(c: Context, services: AppServices): Promise<Response> {
  const { publicKeyPem, keyId } = await services.signing.current();
  return c.body(publicKeyPem, 200, {
    'content-type': 'application/x-pem-file',
    'cache-control': 'no-cache',
    'x-key-id': keyId,
  });
}

/**
 * GET /audit/public-keys: every signing key, current and retired, with its validity period, so a file
 * signed before a rotation is checked against the key of its time (`audit verify-digest --public-key`).
 */
export async function servePublicKeys(c: Context, services: AppServices): Promise<Response> {
  const keys = await services.signing.published();
  return c.json({ keys }, 200, { 'cache-control': 'no-cache' });
}

/** GET /audit/reports/:id/download with a bearer token: auditors and administrators only. */
export async function downloadWeeklyReport(c: Context, services: AppServices): Promise<Response> {
  const em = services.orm.em.fork();
  const principal = await services.principals.fromAuthorization(em, c.req.header('authorization') ?? null);
  if (principal.kind === 'anonymous') return c.json({ error: 'Sign in: send a bearer token.' }, 401);
  if (!(principal.roles.has('AUDITOR') || principal.roles.has('ADMIN')))
    return c.json({ error: 'Only auditors and administrators may download audit reports.' }, 403);
  const id = c.req.param('id') ?? '';
  const report = UUID.test(id) ? await services.reports.get(em, id) : null;
  if (!report) return c.json({ error: 'No such report.' }, 404);
  const file = services.reports.pathOf(report);
  try {
    await stat(file);
  } catch {
    return c.json({ error: 'The report file is missing from storage.' }, 410);
  }
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="audit-week-${report.week}.zip"`,
      'cache-control': 'no-store',
    },
  });
}
