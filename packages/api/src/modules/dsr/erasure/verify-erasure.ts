import type { EntityManager } from '@mikro-orm/core';
import { Bitrix24AuthError, MAX_BATCH_COMMANDS } from '../../../bitrix24/index.ts';
import { checkProfile } from '../anonymise/anonymise-profile.ts';
import { DELETABLE_CATEGORIES } from './categories.ts';
import { type LedgerRow, ledgerCounts, rowsInState } from './ledger.ts';
import { type ErasureClients, ITEM_KINDS } from './portal-items.ts';
import { checkItems } from './verify.ts';

export interface VerifyErasureOptions {
  em: EntityManager;
  requestId: string;
  subjectUserId: number;
  clients: ErasureClients;
  pseudonymFor(userId: number): string;
  signal?: AbortSignal;
}

export interface ErasureVerification {
  /** Every DONE item is gone, the profile is anonymous and the account inactive. */
  verified: boolean;
  /** DONE in the ledger but still on the portal. */
  stillPresent: LedgerRow[];
  /** DONE items nobody we hold credentials for can read back (a deactivated subject's messages). */
  unverifiable: Record<string, number>;
  /** Ledger items not yet settled (PENDING or IN_FLIGHT). */
  unsettled: number;
  profileRemaining: string[];
  accountActive: boolean;
}

/**
 * Reads everything an erasure claims back from the portal: one read per DONE item (50 per request),
 * plus the profile. Chat messages can only be read back as their author, so after the account is
 * deactivated they count as unverifiable rather than verified.
 */
export async function verifyErasure(options: VerifyErasureOptions): Promise<ErasureVerification> {
  const { em, requestId, subjectUserId, clients, signal } = options;
  const stillPresent: LedgerRow[] = [];
  const unverifiable: Record<string, number> = {};
  for (const category of DELETABLE_CATEGORIES) {
    const kind = ITEM_KINDS[category];
    const client = kind.client(clients);
    let afterId: string | undefined;
    for (;;) {
      const rows = await rowsInState(em, requestId, 'DONE', {
        category,
        limit: MAX_BATCH_COMMANDS,
        ...(afterId ? { afterId } : {}),
      });
      if (rows.length === 0) break;
      afterId = rows.at(-1)?.id;
      if (!client) {
        unverifiable[category] = (unverifiable[category] ?? 0) + rows.length;
        continue;
      }
      try {
        const checked = await checkItems(client, kind, rows, subjectUserId, signal);
        stillPresent.push(...checked.present);
        if (checked.unreadable.length > 0) {
          unverifiable[category] = (unverifiable[category] ?? 0) + checked.unreadable.length;
        }
      } catch (error) {
        if (!(error instanceof Bitrix24AuthError) || client !== clients.asSubject) throw error;
        unverifiable[category] = (unverifiable[category] ?? 0) + rows.length;
      }
    }
  }
  let unsettled = 0;
  for (const c of (await ledgerCounts(em, requestId)).values()) unsettled += c.PENDING + c.IN_FLIGHT;
  const profile = await checkProfile({
    portal: clients.admin,
    subjectUserId,
    pseudonymFor: options.pseudonymFor,
    clearDepartments: true,
    ...(signal ? { signal } : {}),
  });
  return {
    verified: stillPresent.length === 0 && unsettled === 0 && profile.anonymised && !profile.active,
    stillPresent,
    unverifiable,
    unsettled,
    profileRemaining: profile.remaining,
    accountActive: profile.active,
  };
}
