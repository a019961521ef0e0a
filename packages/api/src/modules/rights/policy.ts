/**
 * Who may do what to whose data. Pure: every input is explicit, so the whole table is testable and the
 * decision can be stored with the request it allowed.
 */
export type PolicyAction = 'EXPORT' | 'ANONYMISE' | 'ERASE';

export type PolicyActor =
  | { kind: 'user'; userId: number; isAdmin: boolean; isAuditor: boolean }
  | { kind: 'integrator'; scopes: ReadonlySet<string> }
  /** The dismissed-employee policy, acting on the settings an administrator chose. */
  | { kind: 'system' }
  /** Whoever runs the CLI on the server: trusted like the database's own administrator, yet bound by the switches. */
  | { kind: 'operator' };

export interface PolicySubject {
  userId: number;
  active: boolean;
  isAdmin: boolean;
  rights: { canAnonymise: boolean; canErase: boolean };
}

export interface PolicySwitches {
  anonymisationEnabled: boolean;
  erasureEnabled: boolean;
}

export const POLICY_RULES = {
  ANONYMISATION_DISABLED: 'Anonymisation is switched off in the application settings.',
  ERASURE_DISABLED: 'Erasure is switched off in the application settings.',
  NO_ANONYMISE_RIGHT: 'Your right to anonymise your data has not been granted by an administrator.',
  NO_ERASE_RIGHT: 'Your right to erase your data has not been granted by an administrator.',
  ADMIN_SELF: 'Administrators cannot anonymise or erase their own data until their admin rights are revoked.',
  SUBJECT_IS_ADMIN:
    "An administrator's data cannot be anonymised or erased until their admin rights are revoked.",
  ADMIN_EXPORT_OWN_ONLY: 'Administrators may download only their own data; the employee can download theirs.',
  NOT_YOUR_DATA: "Only administrators may act on another employee's data.",
  AUDITOR_READ_ONLY: 'Auditors read requests and logs; they cannot start or cancel them.',
  INTEGRATOR_SCOPE: 'This integrator token lacks the requests:write scope.',
  SYSTEM_ANONYMISE_ONLY: 'The dismissal policy only anonymises dismissed employees.',
} as const;

export type PolicyRule = keyof typeof POLICY_RULES;

export type Decision = { allowed: true } | { allowed: false; rule: PolicyRule; message: string };

const allow: Decision = { allowed: true };
const refuse = (rule: PolicyRule): Decision => ({ allowed: false, rule, message: POLICY_RULES[rule] });

function switchRule(action: 'ANONYMISE' | 'ERASE', switches: PolicySwitches): Decision | null {
  if (action === 'ANONYMISE' && !switches.anonymisationEnabled) return refuse('ANONYMISATION_DISABLED');
  if (action === 'ERASE' && !switches.erasureEnabled) return refuse('ERASURE_DISABLED');
  return null;
}

export function decide(input: {
  actor: PolicyActor;
  action: PolicyAction;
  subject: PolicySubject;
  switches: PolicySwitches;
}): Decision {
  const { actor, action, subject, switches } = input;

  if (actor.kind === 'system') {
    if (action !== 'ANONYMISE' || subject.active) return refuse('SYSTEM_ANONYMISE_ONLY');
    return switchRule(action, switches) ?? (subject.isAdmin ? refuse('SUBJECT_IS_ADMIN') : allow);
  }

  if (actor.kind === 'integrator' || actor.kind === 'operator') {
    if (actor.kind === 'integrator' && !actor.scopes.has('requests:write')) return refuse('INTEGRATOR_SCOPE');
    if (action === 'EXPORT') return allow;
    return switchRule(action, switches) ?? (subject.isAdmin ? refuse('SUBJECT_IS_ADMIN') : allow);
  }

  const self = actor.userId === subject.userId;
  if (self) {
    if (action === 'EXPORT') return allow;
    if (actor.isAdmin) return refuse('ADMIN_SELF');
    const off = switchRule(action, switches);
    if (off) return off;
    if (action === 'ANONYMISE' && !subject.rights.canAnonymise) return refuse('NO_ANONYMISE_RIGHT');
    if (action === 'ERASE' && !subject.rights.canErase) return refuse('NO_ERASE_RIGHT');
    return allow;
  }

  if (!actor.isAdmin) return refuse(actor.isAuditor ? 'AUDITOR_READ_ONLY' : 'NOT_YOUR_DATA');
  if (action === 'EXPORT') return refuse('ADMIN_EXPORT_OWN_ONLY');
  return switchRule(action, switches) ?? (subject.isAdmin ? refuse('SUBJECT_IS_ADMIN') : allow);
}
