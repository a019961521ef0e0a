import { describe, expect, it } from 'vitest';
import {
  decide,
  POLICY_RULES,
  type PolicyAction,
  type PolicyActor,
  type PolicySubject,
} from '../../src/modules/rights/policy.ts';

/**
 * The whole policy as a table a data-protection officer can read. Columns are the master switches
 * (anonymisation/erasure): off/off, on/off, off/on, on/on. "ok" means allowed; otherwise the rule that refuses.
 * Subjects: self (with both own rights granted, or none), another employee, another administrator,
 * a dismissed employee.
 */
const TABLE = `
actor               action     subject        | off/off                 on/off                  off/on                  on/on
employee            EXPORT     self+rights    | ok                      ok                      ok                      ok
employee            EXPORT     self-rights    | ok                      ok                      ok                      ok
employee            ANONYMISE  self+rights    | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
employee            ANONYMISE  self-rights    | ANONYMISATION_DISABLED  NO_ANONYMISE_RIGHT      ANONYMISATION_DISABLED  NO_ANONYMISE_RIGHT
employee            ERASE      self+rights    | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
employee            ERASE      self-rights    | ERASURE_DISABLED        ERASURE_DISABLED        NO_ERASE_RIGHT          NO_ERASE_RIGHT
employee            EXPORT     employee       | NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA
employee            ANONYMISE  employee       | NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA
employee            ERASE      employee       | NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA
employee            ERASE      admin          | NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA
employee            ANONYMISE  dismissed      | NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA           NOT_YOUR_DATA
admin               EXPORT     self+rights    | ok                      ok                      ok                      ok
admin               ANONYMISE  self+rights    | ADMIN_SELF              ADMIN_SELF              ADMIN_SELF              ADMIN_SELF
admin               ANONYMISE  self-rights    | ADMIN_SELF              ADMIN_SELF              ADMIN_SELF              ADMIN_SELF
admin               ERASE      self+rights    | ADMIN_SELF              ADMIN_SELF              ADMIN_SELF              ADMIN_SELF
admin               ERASE      self-rights    | ADMIN_SELF              ADMIN_SELF              ADMIN_SELF              ADMIN_SELF
admin               EXPORT     employee       | ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY
admin               ANONYMISE  employee       | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
admin               ERASE      employee       | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
admin               EXPORT     admin          | ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY
admin               ANONYMISE  admin          | ANONYMISATION_DISABLED  SUBJECT_IS_ADMIN        ANONYMISATION_DISABLED  SUBJECT_IS_ADMIN
admin               ERASE      admin          | ERASURE_DISABLED        ERASURE_DISABLED        SUBJECT_IS_ADMIN        SUBJECT_IS_ADMIN
admin               EXPORT     dismissed      | ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY   ADMIN_EXPORT_OWN_ONLY
admin               ANONYMISE  dismissed      | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
admin               ERASE      dismissed      | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
auditor             EXPORT     self+rights    | ok                      ok                      ok                      ok
auditor             ANONYMISE  self+rights    | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
auditor             EXPORT     employee       | AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY
auditor             ANONYMISE  employee       | AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY
auditor             ERASE      dismissed      | AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY       AUDITOR_READ_ONLY
admin+auditor       ERASE      employee       | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
admin+auditor       ERASE      self+rights    | ADMIN_SELF              ADMIN_SELF              ADMIN_SELF              ADMIN_SELF
integrator          EXPORT     employee       | ok                      ok                      ok                      ok
integrator          ANONYMISE  employee       | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
integrator          ERASE      employee       | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
integrator          ERASE      admin          | ERASURE_DISABLED        ERASURE_DISABLED        SUBJECT_IS_ADMIN        SUBJECT_IS_ADMIN
integrator          ANONYMISE  dismissed      | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
integrator-noscope  EXPORT     employee       | INTEGRATOR_SCOPE        INTEGRATOR_SCOPE        INTEGRATOR_SCOPE        INTEGRATOR_SCOPE
integrator-noscope  ERASE      employee       | INTEGRATOR_SCOPE        INTEGRATOR_SCOPE        INTEGRATOR_SCOPE        INTEGRATOR_SCOPE
operator            EXPORT     employee       | ok                      ok                      ok                      ok
operator            EXPORT     admin          | ok                      ok                      ok                      ok
operator            ANONYMISE  employee       | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
operator            ERASE      dismissed      | ERASURE_DISABLED        ERASURE_DISABLED        ok                      ok
operator            ERASE      admin          | ERASURE_DISABLED        ERASURE_DISABLED        SUBJECT_IS_ADMIN        SUBJECT_IS_ADMIN
system              ANONYMISE  dismissed      | ANONYMISATION_DISABLED  ok                      ANONYMISATION_DISABLED  ok
system              ANONYMISE  employee       | SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY
system              ERASE      dismissed      | SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY
system              EXPORT     dismissed      | SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY   SYSTEM_ANONYMISE_ONLY
`;

const ME = 10;
const actors: Record<string, PolicyActor> = {
  employee: { kind: 'user', userId: ME, isAdmin: false, isAuditor: false },
  admin: { kind: 'user', userId: ME, isAdmin: true, isAuditor: false },
  auditor: { kind: 'user', userId: ME, isAdmin: false, isAuditor: true },
  'admin+auditor': { kind: 'user', userId: ME, isAdmin: true, isAuditor: true },
  integrator: { kind: 'integrator', scopes: new Set(['requests:write']) },
  'integrator-noscope': { kind: 'integrator', scopes: new Set(['users:read', 'requests:read']) },
  system: { kind: 'system' },
  operator: { kind: 'operator' },
};
const all = { canAnonymise: true, canErase: true };
const none = { canAnonymise: false, canErase: false };
const subjects: Record<string, PolicySubject> = {
  'self+rights': { userId: ME, active: true, isAdmin: false, rights: all },
  'self-rights': { userId: ME, active: true, isAdmin: false, rights: none },
  employee: { userId: 20, active: true, isAdmin: false, rights: all },
  admin: { userId: 21, active: true, isAdmin: true, rights: all },
  dismissed: { userId: 22, active: false, isAdmin: false, rights: none },
};
const switchColumns = [
  { anonymisationEnabled: false, erasureEnabled: false },
  { anonymisationEnabled: true, erasureEnabled: false },
  { anonymisationEnabled: false, erasureEnabled: true },
  { anonymisationEnabled: true, erasureEnabled: true },
];

const rows = TABLE.trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [left, right] = line.split('|');
    const [actor, action, subject] = left!.trim().split(/\s+/);
    return {
      actor: actor!,
      action: action as PolicyAction,
      subject: subject!,
      expected: right!.trim().split(/\s+/),
    };
  });

describe('the policy table', () => {
  it('is well formed: every row names known cases and has one cell per switch combination', () => {
    for (const row of rows) {
      expect(actors[row.actor], row.actor).toBeDefined();
      expect(subjects[row.subject], row.subject).toBeDefined();
      expect(row.expected).toHaveLength(4);
    }
  });

  const cells = rows.flatMap((row) =>
    switchColumns.map((switches, column) => ({ ...row, switches, cell: row.expected[column]! })),
  );
  it.each(cells)(
    '$actor $action $subject with $switches.anonymisationEnabled/$switches.erasureEnabled → $cell',
    ({ actor, action, subject, switches, cell }) => {
      const decision = decide({ actor: actors[actor]!, action, subject: subjects[subject]!, switches });
      if (cell === 'ok') expect(decision).toEqual({ allowed: true });
      else {
        expect(decision).toMatchObject({ allowed: false, rule: cell });
        if (!decision.allowed) expect(decision.message.length).toBeGreaterThan(20);
      }
    },
  );

  it('covers every rule the policy can answer with', () => {
    const used = new Set(rows.flatMap((r) => r.expected).filter((c) => c !== 'ok'));
    expect([...used].sort()).toEqual(Object.keys(POLICY_RULES).sort());
  });
});
