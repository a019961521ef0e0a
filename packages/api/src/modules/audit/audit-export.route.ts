import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Context } from 'hono';
import type { AppServices } from '../../app-services.ts';
import { DomainError } from '../../errors.ts';
import { sessionRefOf } from '../impersonation/session-keys.ts';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from './audit-csv.ts';
import type { AuditFilter } from './audit-query.ts';

const PAGE = 1_000;

/** The query string as the same filter `auditEvents` takes. */
function filterOf(c: Context): AuditFilter {
  const q = (name: string) => c.req.query(name) || null;
  const date = (name: string) => {
    const value = q(name);
    if (value === null) return null;
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw new BadQuery(`${name} is not a date`);
    return at;
  };
  return {
    actor: q('actor'),
    onBehalfOf: q('onBehalfOf'),
    subject: q('subject'),
    actionPrefix: q('actionPrefix'),
    sessionKey: q('sessionKey'),
    targetType: q('targetType'),
    targetId: q('targetId'),
    ip: q('ip'),
    occurredFrom: date('occurredFrom'),
    occurredTo: date('occurredTo'),
  };
}

class BadQuery extends Error {}

/**
 * GET /audit/export.csv?actor=…&occurredFrom=…: the events `auditEvents` would list for the same filter,
 * newest first, streamed page by page (each page its own short query). Auditors and administrators only;
 * every cell is neutralised against formula injection as in the data-subject exports.
 */
export async function exportAuditCsv(c: Context, services: AppServices): Promise<Response> {
  const em = services.orm.em.fork();
  const principal = await services.principals.fromAuthorization(em, c.req.header('authorization') ?? null);
  if (principal.kind === 'anonymous') return c.json({ error: 'Sign in: send a bearer token.' }, 401);
  if (!(principal.roles.has('AUDITOR') || principal.roles.has('ADMIN'))) {
    return c.json({ error: 'Only auditors and administrators may export the audit log.' }, 403);
  }
  let filter: AuditFilter;
  let first: Awaited<ReturnType<AppServices['audit']['query']>>;
  try {
    filter = filterOf(c);
    first = await services.audit.query(em, filter, PAGE);
  } catch (error) {
    if (error instanceof BadQuery || error instanceof DomainError)
      return c.json({ error: error.message }, 400);
    throw error;
  }
  async function* rows() {
    yield AUDIT_CSV_COLUMNS as unknown as string[];
    let page = first;
    for (;;) {
      for (const edge of page.edges)
        yield auditCsvRow(edge.node, (key) => sessionRefOf(services.secret, key));
      if (!page.pageInfo.hasNextPage) return;
      page = await services.audit.query(em.fork(), filter, PAGE, page.pageInfo.endCursor);
    }
  }
  const csv = Readable.from(rows()).pipe(stringify());
  const day = new Date().toISOString().slice(0, 10);
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-log-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
