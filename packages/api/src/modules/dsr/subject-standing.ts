import type { EntityManager } from '@mikro-orm/core';
import type { EditorStanding } from '../edits/editor-standing.ts';
import { sql } from '../edits/sql.ts';
import type { AppSecret } from '../settings/app-secret.ts';

/**
 * Whether this user's erasure or anonymisation has settled their own records here. The requests keep
 * only the keyed pseudonym, so the question is asked by it; `ownRecordsAt` is set by the step that
 * pseudonymised them (handlers/subject.ts), before the runner marks the request done.
 */
export function subjectStanding(secret: () => AppSecret) {
  return async (em: EntityManager, userId: number): Promise<EditorStanding> => {
    const rows = await sql<{ type: string }>(
      em,
      `select distinct type from data_subject_request
        where subject_pseudonym = ? and type in ('ERASE', 'ANONYMISE') and checkpoint->>'ownRecordsAt' is not null`,
      [secret().pseudonymousId(userId)],
    );
    const types = new Set(rows.map((r) => r.type));
    return types.has('ERASE') ? 'erased' : types.has('ANONYMISE') ? 'anonymised' : null;
  };
}
