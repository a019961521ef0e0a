import type { EntityManager } from '@mikro-orm/core';
import { checkProfile } from '../anonymise/anonymise-profile.ts';
import { CATEGORY_ORDER, DELETABLE_CATEGORIES, type ErasureCategory } from './categories.ts';
import { collectSubjectContent, NOT_LISTED, NOTES } from './collect-content.ts';
import { ledgerIndex, ledgerKey } from './ledger.ts';
import type { ErasureClients } from './portal-items.ts';

/**
 * Per category: what the sweep found of the subject's, how much of it the result lists as kept, and what
 * is left over (found and not kept, plus items whose deletion failed that this reader cannot see).
 */
export interface SweepCount {
  category: string;
  found: number;
  kept: number;
  leftOver: number;
}

export interface LeftOverItem {
  category: string;
  portalId: string;
  label: string | null;
}

export interface Sweep {
  sweptAt: string;
  /** Whether chats were listed with the subject's credentials (otherwise only the administrator's chats). */
  readAsSubject: boolean;
  counts: SweepCount[];
  /** Everything found that the result does not list as kept with a reason. */
  leftOver: LeftOverItem[];
  notes: string[];
}

/** Synthetic kept rows that stand for what nobody can list: not content a sweep could find. */
const NOT_CONTENT = new Set([NOT_LISTED, 'b24-gdpr']);

/** Every category the sweep reads, listed even when it finds nothing there (the result shows it looked). */
const SWEPT: readonly string[] = [...DELETABLE_CATEGORIES, 'task', 'calendar-event', 'profile'];

/**
 * The verification sweep: reads the portal once more for everything of the subject's (posts, comments,
 * chat messages where readable, task comments, tasks, calendar events) and for the profile fields, and
 * compares it with the ledger. Found and KEPT by a retention rule counts as kept; anything else found
 * (deleted but still there, a deletion the portal refused, an item that appeared during the run) is left
 * over, and so is every item whose deletion failed, seen or not. It runs after the account was deactivated
 * (the administrator deletes messages only then), so it reads as the administrator; chats and posts it
 * cannot see are vouched for by the inventory taken as the subject before (`inventoriedAsSubject`), and
 * are left over when there was none.
 */
export async function sweepPortal(options: {
  em: EntityManager;
  requestId: string;
  subjectUserId: number;
  clients: ErasureClients;
  /** The deletions worked from an inventory read as the subject while active (Recollection.readAsSubject). */
  inventoriedAsSubject?: boolean | undefined;
  pseudonymFor(userId: number): string;
  signal?: AbortSignal | undefined;
}): Promise<Sweep> {
  const { em, requestId, subjectUserId, clients, signal } = options;
  const content = await collectSubjectContent({
    ...clients,
    subjectActive: !clients.subjectDeactivated,
    inventoriedAsSubject: options.inventoriedAsSubject,
    subjectUserId,
    signal,
  });
  const ledger = await ledgerIndex(em, requestId);
  const counts = new Map<string, SweepCount>();
  const leftOver: LeftOverItem[] = [];
  const count = (category: string) => {
    const c = counts.get(category) ?? { category, found: 0, kept: 0, leftOver: 0 };
    counts.set(category, c);
    return c;
  };
  for (const category of SWEPT) count(category);
  const seen = new Set<string>();
  for (const item of [...content.items, ...content.kept]) {
    if (item.portalId === NOT_LISTED) {
      // What this reader cannot list it cannot verify either: an exception, not a retention.
      count(item.category).leftOver++;
      leftOver.push({ category: item.category, portalId: item.portalId, label: item.label });
      continue;
    }
    if (NOT_CONTENT.has(item.portalId)) continue;
    seen.add(ledgerKey(item));
    const c = count(item.category);
    c.found++;
    const row = ledger.get(ledgerKey(item));
    if (row?.state === 'KEPT' && !row.failed) {
      c.kept++;
    } else {
      c.leftOver++;
      leftOver.push({ category: item.category, portalId: item.portalId, label: row?.label ?? item.label });
    }
  }

  // What the portal refused to show cannot be said to be empty.
  for (const { category, where, error } of content.unreadable) {
    count(category).leftOver++;
    leftOver.push({
      category,
      portalId: `unreadable:${where}`,
      label: `Could not be checked: the portal refused to show ${where} (${error})`,
    });
  }

  // A deletion the portal refused is known to have left the item, even where this reader cannot see it
  // (a post addressed only to others, without the subject's credentials).
  for (const row of ledger.values()) {
    if (row.state !== 'KEPT' || !row.failed || seen.has(ledgerKey(row))) continue;
    count(row.category).leftOver++;
    leftOver.push({ category: row.category, portalId: row.portalId, label: row.label });
  }

  const profile = await checkProfile({
    portal: clients.admin,
    subjectUserId,
    pseudonymFor: options.pseudonymFor,
    clearDepartments: true,
    ...(signal ? { signal } : {}),
  });
  const p = count('profile');
  p.found = profile.remaining.length;
  p.leftOver = profile.remaining.length;
  for (const field of profile.remaining) {
    leftOver.push({ category: 'profile', portalId: field, label: `Profile field ${field}` });
  }
  const rank = (category: string) => {
    const i = CATEGORY_ORDER.indexOf(category as ErasureCategory);
    return i === -1 ? CATEGORY_ORDER.length : i;
  };
  return {
    sweptAt: new Date().toISOString(),
    readAsSubject: content.readAsSubject,
    counts: [...counts.values()].sort((a, b) => rank(a.category) - rank(b.category)),
    leftOver,
    notes: content.notes.filter((note) => note.startsWith('The messages in ') || note === NOTES.inventoried),
  };
}
