import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../../src/modules/audit/audit.service.ts';
import { sql } from '../../../src/modules/audit/audit-sql.ts';
import { EXPORT_CATEGORIES } from '../../../src/modules/dsr/export/index.ts';
import { ContentVersion } from '../../../src/modules/edits/content-version.entity.ts';
import { ImpersonationSession } from '../../../src/modules/impersonation/impersonation-session.entity.ts';
import { SettingsService } from '../../../src/modules/settings/settings.service.ts';
import { sorted } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { strictCsv } from './support/strict-csv.ts';

let fixture: ExportFixture;
let result: ExportResult;
let subject: number;
let admin: number;
let third: number;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  const { seed } = fixture.portal;
  subject = seed.user({ NAME: 'Subject' }).ID;
  admin = seed.user({ NAME: 'Admin' }).ID;
  third = seed.user({ NAME: 'Third' }).ID;
  const em = fixture.db.orm.em.fork();
  const audit = new AuditService(() => fixture.secret, new SettingsService());
  const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, s));
  await audit.append(em, [
    {
      action: 'dsr.export.requested',
      occurredAt: at(1),
      actorId: subject,
      ip: '198.51.100.1',
      userAgent: 'subject browser',
      target: { type: 'user', id: subject },
      metadata: { requestId: 'r1' },
      source: 'api',
    },
    {
      action: 'message.edited',
      occurredAt: at(2),
      actorId: admin,
      onBehalfOfId: subject,
      ip: '203.0.113.9',
      userAgent: 'admin browser',
      target: { type: 'message', id: '77' },
      metadata: { chatId: 5 },
      source: 'extension',
    },
    {
      action: 'rights.changed',
      occurredAt: at(3),
      actorId: admin,
      ip: '203.0.113.9',
      target: { type: 'user', id: subject },
      metadata: { ownerUserId: admin, userIds: [subject, third], reason: 'asked by HR' },
      source: 'api',
    },
    {
      action: 'rights.changed',
      occurredAt: at(4),
      actorId: admin,
      target: { type: 'user', id: third },
      metadata: { userIds: [third] },
      source: 'api',
    },
  ]);
  // More than a page (500) at one instant: the keyset must break ties on the id.
  await audit.append(
    em,
    Array.from({ length: 520 }, () => ({
      action: 'bulk.touched',
      occurredAt: at(5),
      actorId: third,
      onBehalfOfId: subject,
      target: { type: 'user', id: subject },
      source: 'api' as const,
    })),
  );
  const version = (entityId: string, n: number, text: string, editor: number | null, deleted = false) =>
    em.create(ContentVersion, {
      entityType: 'POST',
      entityId,
      version: n,
      text,
      textHash: sha(text),
      deleted,
      editedAt: at(10 + n),
      editor,
      sessionKey: null,
      source: 'portal-event',
    });
  version('500', 1, 'first text\nof the post', subject);
  version('500', 2, 'changed by the admin', admin);
  version('500', 3, '', null, true);
  version('600', 1, 'the third person wrote this', third);
  const session = (adminUserId: number, impersonatedUserId: number, reason: string) =>
    em.create(ImpersonationSession, {
      adminUserId,
      impersonatedUserId,
      sessionKey: sha(`${adminUserId}:${impersonatedUserId}`),
      ip: `192.0.2.${adminUserId}`,
      userAgent: `browser of ${adminUserId}`,
      reason,
      source: 'extension',
      startedAt: at(20),
      endedAt: at(21),
      endReason: 'ENDED',
      alertedAt: null,
      alertError: null,
    });
  session(admin, subject, 'support ticket');
  session(subject, third, 'fixing a form');
  session(admin, third, 'not about the subject');
  await em.flush();
  result = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

/** The stored rows, read back as an auditor dumps the tables: by SQL, not through the export. */
const dump = <T>(query: string, params: unknown[] = []) => sql<T>(fixture.db.orm.em.fork(), query, params);
const csv = (name: string) => strictCsv(result.files.get(`${name}.csv`)!).rows;

describe("the export holds this system's own records about the subject", () => {
  it('lists them in the archive, README.txt and the manifest', () => {
    const readme = result.files.get('README.txt')!.toString('utf8');
    for (const name of ['audit-events', 'edit-history', 'impersonation']) {
      expect(result.files.has(`${name}.csv`)).toBe(true);
      const entry = result.manifest.categories.find((c) => c.name === name);
      expect(entry).toMatchObject({ source: 'system', rows: csv(name).length });
      const category = EXPORT_CATEGORIES.find((c) => c.name === name)!;
      expect(readme).toContain(`${name}.csv - ${category.title} (${entry!.rows} rows)`);
    }
  });

  it('has every audit event the subject acted in, was acted for or was the target of, and no other', async () => {
    const me = String(subject);
    const stored = await dump<{ id: string; action: string; ip: string | null }>(
      `select id, action, ip from audit_event
        where actor = ? or on_behalf_of = ? or (target_type = 'user' and target_id = ?)`,
      [me, me, me],
    );
    const rows = csv('audit-events');
    expect(stored).toHaveLength(3 + 520);
    expect(sorted(rows.map((r) => r.event_id))).toEqual(sorted(stored.map((e) => e.id)));
    expect(
      rows.filter((r) => r.action === 'bulk.touched').every((r) => r.your_part === 'on behalf of; target'),
    ).toBe(true);
    const byAction = new Map(rows.map((r) => [`${r.action}:${r.your_part}`, r]));
    const own = byAction.get('dsr.export.requested:actor; target')!;
    expect(own).toMatchObject({
      actor: 'you',
      target_id: 'you',
      ip: '198.51.100.1',
      user_agent: 'subject browser',
    });
    const asSubject = byAction.get('message.edited:on behalf of')!;
    expect(asSubject).toMatchObject({ on_behalf_of: 'you', ip: '', user_agent: '' });
    expect(asSubject.actor).toMatch(/^person:[0-9a-f]{12}$/);
    const rights = byAction.get('rights.changed:target')!;
    expect(rights.actor).toBe(asSubject.actor);
    const details = JSON.parse(rights.details!);
    expect(details.ownerUserId).toBe(rights.actor);
    expect(details.userIds[0]).toBe('you');
    expect(details.userIds[1]).toMatch(/^person:/);
    expect(details.userIds[1]).not.toBe(rights.actor);
    expect(details.reason).toBe('asked by HR');
  });

  it('has every stored version of the items the subject wrote, with the others pseudonymised', async () => {
    const stored = await dump<{ entity_id: string; version: number; text: string; editor: number | null }>(
      `select entity_id, version, text, editor from content_version
        where entity_id in (select entity_id from content_version where editor = ?) order by version`,
      [subject],
    );
    expect(stored).toHaveLength(3);
    const rows = csv('edit-history');
    expect(rows.map((r) => [r.item_id, r.version, r.text])).toEqual(
      stored.map((v) => [v.entity_id, String(v.version), v.text]),
    );
    expect(rows.map((r) => (r.edited_by ?? '').replace(/^person:.*/, 'person'))).toEqual([
      'you',
      'person',
      '',
    ]);
    expect(rows.map((r) => r.deleted)).toEqual(['no', 'no', 'yes']);
  });

  it('has the impersonation sessions the subject was in, on either side, and no other', async () => {
    const stored = await dump<{ id: string; admin_user_id: number }>(
      'select id, admin_user_id from impersonation_session where admin_user_id = ? or impersonated_user_id = ?',
      [subject, subject],
    );
    const rows = csv('impersonation');
    expect(sorted(rows.map((r) => r.session_id))).toEqual(sorted(stored.map((s) => s.id)));
    const impersonated = rows.find((r) => r.your_role === 'impersonated')!;
    expect(impersonated).toMatchObject({
      impersonated_user: 'you',
      reason: 'support ticket',
      ip: '',
      user_agent: '',
    });
    const asAdmin = rows.find((r) => r.your_role === 'administrator')!;
    expect(asAdmin).toMatchObject({
      administrator: 'you',
      ip: `192.0.2.${subject}`,
      reason: 'fixing a form',
    });
    expect(asAdmin.impersonated_user).toMatch(/^person:/);
  });

  it("never holds another person's plain id, IP or text, nor the pseudonym erasure writes", () => {
    const people = [admin, third].map(String);
    for (const name of ['audit-events', 'edit-history', 'impersonation']) {
      for (const row of csv(name)) {
        for (const [column, value] of Object.entries(row)) {
          if (/^(actor|on_behalf_of|target_id|edited_by|administrator|impersonated_user)$/.test(column)) {
            expect(people, `${name}.${column}`).not.toContain(value);
          }
        }
      }
    }
    const everything = Buffer.concat([...result.files.values()]).toString('utf8');
    for (const text of [
      '203.0.113.9',
      'admin browser',
      'the third person wrote this',
      'not about the subject',
    ]) {
      expect(everything).not.toContain(text);
    }
    for (const id of [admin, third]) expect(everything).not.toContain(fixture.secret.pseudonymousId(id));
  });
});
