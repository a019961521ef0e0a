import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../config/logger.ts';
import type { AuditService } from '../audit/audit.service.ts';

/** What publishing needs of the audit log. */
export type PublishedLog = Pick<AuditService, 'verify' | 'treeHead' | 'extendsHeads'>;

import { boundSql } from '../audit/audit-sql.ts';
import { parseHeads, type TreeHead } from '../audit/audit-tree-head.ts';
import type { AuditVerification, VerifyRange } from '../audit/audit-verify.ts';
import type { HeadChannel, PublicationFinding, PublishedHead } from './head-channel.ts';
import { type PublishOutcome, publishHeads } from './head-publisher.ts';
import { newestPublished } from './published-check.ts';
import { parseReceipt, receiptProblem, type Witness } from './witness-protocol.ts';

const sameHead = (a: TreeHead, b: TreeHead) =>
  a.treeSize === b.treeSize && a.rootHash === b.rootHash && a.timestamp === b.timestamp;

/**
 * Signed heads published where the database's operator cannot reach (the portal's chat, witnesses), and
 * the verifier that reads every one back and proves the live log consistent with each.
 */
export class AuditPublishing {
  readonly #audit: PublishedLog;
  readonly #channels: readonly HeadChannel[];
  readonly #witnesses: readonly Witness[];
  readonly #logger: Logger;

  readonly #weeklyFiles: ((em: EntityManager) => Promise<PublishedHead[]>) | undefined;

  constructor(deps: {
    audit: PublishedLog;
    channels: readonly HeadChannel[];
    witnesses: readonly Witness[];
    logger: Logger;
    /** The heads the weekly files carry (`ReportsService.storedHeads`). */
    weeklyFiles?: (em: EntityManager) => Promise<PublishedHead[]>;
  }) {
    this.#weeklyFiles = deps.weeklyFiles;
    this.#audit = deps.audit;
    this.#channels = deps.channels;
    this.#witnesses = deps.witnesses;
    this.#logger = deps.logger;
  }

  /**
   * Signs a head if the log grew and publishes it to every channel not yet holding it; first proves the
   * log extends the newest head each channel holds, else refuses (PublishRefusedError) and sends nothing.
   */
  publish(em: EntityManager): Promise<PublishOutcome[]> {
    return publishHeads(em, this.#audit, this.#channels, this.#logger);
  }

  /** The newest head of each channel it can reach now (unreachable ones are left out). */
  newestPublished(): Promise<PublishedHead[]> {
    return newestPublished(this.#channels);
  }

  /**
   * `audit.verify` against every head it can reach: read back from each channel, the witnesses' receipts
   * the publisher stored, and `given` (an auditor's files, weekly files). Names the problem with the places
   * its head was published; when the log is consistent with all, an altered publication is the problem.
   * `selfCheckedOnly` when the log has events and not one head from outside the database was read.
   */
  async verify(
    em: EntityManager,
    range: VerifyRange & { given?: readonly PublishedHead[] } = {},
  ): Promise<AuditVerification> {
    const heads: PublishedHead[] = [...(range.given ?? [])];
    const findings: PublicationFinding[] = [];
    const unreachable: string[] = [];
    for (const channel of this.#channels) {
      try {
        const read = await channel.read();
        heads.push(...read.heads);
        findings.push(...read.findings);
      } catch (err) {
        unreachable.push(`${channel.channel} ${channel.target}: ${(err as Error).message}`);
      }
    }
    const receipts = await this.#storedReceipts(em);
    heads.push(...receipts.heads);
    if (this.#weeklyFiles) {
      try {
        heads.push(...(await this.#weeklyFiles(em)));
      } catch (err) {
        unreachable.push(`weekly-file: ${(err as Error).message}`);
      }
    }
    findings.push(...receipts.findings);

    const result = await this.#audit.verify(em, {
      from: range.from,
      to: range.to,
      heads: heads.map((h) => h.head),
    });
    const selfCheckedOnly = !range.from && !range.to && result.treeSize > 0 && heads.length === 0;
    const counts = new Map<string, number>();
    for (const h of heads) counts.set(h.channel, (counts.get(h.channel) ?? 0) + 1);
    const published = [...counts].map(([channel, n]) => ({ channel, heads: n }));
    if (result.problem?.head) {
      const head = result.problem.head;
      const where = heads.filter((h) => sameHead(h.head, head)).map((h) => h.where);
      return {
        ...result,
        published,
        unreachable,
        selfCheckedOnly,
        problem: { ...result.problem, publishedIn: where },
      };
    }
    const finding = findings[0];
    if (result.ok && finding) {
      return {
        ...result,
        ok: false,
        published,
        unreachable,
        selfCheckedOnly,
        problem: {
          kind: 'PUBLICATION_ALTERED',
          seq: 0,
          eventId: null,
          head: null,
          message: finding.message,
          publishedIn: [finding.where],
        },
      };
    }
    return { ...result, published, unreachable, selfCheckedOnly };
  }

  /** The witnesses' countersigned heads the publisher stored; one that fails its witness's key is a finding. */
  async #storedReceipts(
    em: EntityManager,
  ): Promise<{ heads: PublishedHead[]; findings: PublicationFinding[] }> {
    const rows = await boundSql<{ target: string; receipt: unknown; tree_size: string }>(
      em,
      `select target, receipt, tree_size from audit_head_publication
        where channel = 'witness' and status = 'published' and receipt is not null order by tree_size`,
      [],
    );
    const heads: PublishedHead[] = [];
    const findings: PublicationFinding[] = [];
    for (const row of rows) {
      const witness = this.#witnesses.find((w) => w.url === row.target);
      if (!witness) continue; // a witness no longer configured: its key is not known here
      const where = `witness ${row.target} (receipt for ${row.tree_size} events)`;
      try {
        const json = typeof row.receipt === 'string' ? JSON.parse(row.receipt) : row.receipt;
        const receipt = parseReceipt(json);
        const bad = receiptProblem(receipt, witness);
        if (bad)
          findings.push({
            channel: 'witness',
            where,
            message: `The stored receipt ${where} is not valid: ${bad}.`,
          });
        else heads.push({ head: receipt.head, channel: 'witness', where });
      } catch (err) {
        findings.push({
          channel: 'witness',
          where,
          message: `The stored receipt ${where} is unreadable: ${(err as Error).message}.`,
        });
      }
    }
    return { heads, findings };
  }
}

/** Heads an auditor gives (`--head` files, GraphQL `heads`), as published heads. */
export function givenHeads(heads: readonly TreeHead[], where = 'given by the auditor'): PublishedHead[] {
  return heads.map((head) => ({ head, channel: 'given', where }));
}

export { parseHeads };
