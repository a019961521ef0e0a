import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../config/logger.ts';
import { uuidv7 } from '../../db/uuid.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { readHead } from '../audit/audit-chain.ts';
import { boundSql } from '../audit/audit-sql.ts';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import type { HeadChannel } from './head-channel.ts';
import { headJson } from './head-text.ts';
import { checkAgainstPublished, PublishRefusedError } from './published-check.ts';

export interface PublishOutcome {
  channel: string;
  target: string;
  treeSize: number;
  /** 'already': this head was published there before. */
  status: 'published' | 'failed' | 'already';
  error?: string;
}

/**
 * One run of the publisher. First it reads the newest head back from every channel and proves the stored
 * tree extends each (published-check.ts): a log that contradicts one (rewound, forked) is refused, recorded
 * per channel as 'refused' and logged, and nothing is signed or sent (PublishRefusedError). Then it signs
 * a head if the log grew (`treeHead`) and publishes it to every channel not yet holding it, recording each
 * outcome. A channel it could not read back is not sent to this run (its newest head is unchecked); a
 * channel that fails is recorded and tried again at the next run with the then latest head; neither holds
 * up the others or the log.
 */
export async function publishHeads(
  em: EntityManager,
  audit: Pick<AuditService, 'treeHead' | 'extendsHeads'>,
  channels: readonly HeadChannel[],
  logger: Logger,
): Promise<PublishOutcome[]> {
  const before = await checkAgainstPublished(em, audit, channels);
  if (before.problem) {
    const refused = new PublishRefusedError(before.problem, before.publishedIn);
    const size = (await readHead(em)).seq;
    for (const channel of channels)
      await record(em, channel, size, before.problem.head, {
        status: 'refused',
        receipt: null,
        error: refused.message,
      });
    logger.error({ problem: before.problem, publishedIn: before.publishedIn }, refused.message);
    throw refused;
  }
  const head = await audit.treeHead(em);
  if (head.treeSize === 0) return [];
  const outcomes: PublishOutcome[] = [];
  for (const channel of channels) {
    const base = { channel: channel.channel, target: channel.target, treeSize: head.treeSize };
    const [done] = await boundSql<{ status: string }>(
      em,
      'select status from audit_head_publication where channel = $1 and target = $2 and tree_size = $3',
      [channel.channel, channel.target, head.treeSize],
    );
    if (done?.status === 'published') {
      outcomes.push({ ...base, status: 'already' });
      continue;
    }
    try {
      const unread = before.unreadable.get(channel);
      if (unread !== undefined) throw new Error(`its newest head could not be read back to check: ${unread}`);
      const receipt = await channel.publish(head);
      await record(em, channel, head.treeSize, head, { status: 'published', receipt, error: null });
      outcomes.push({ ...base, status: 'published' });
    } catch (err) {
      const error = (err as Error).message;
      await record(em, channel, head.treeSize, head, { status: 'failed', receipt: null, error });
      logger.warn({ channel: channel.channel, target: channel.target, err }, 'publishing a tree head failed');
      outcomes.push({ ...base, status: 'failed', error });
    }
  }
  return outcomes;
}

/** Upserts the outcome for (channel, target, size); `head` is the head sent, or the one a refusal contradicts. */
async function record(
  em: EntityManager,
  channel: HeadChannel,
  treeSize: number,
  head: TreeHead | null,
  outcome: {
    status: 'published' | 'failed' | 'refused';
    receipt: Record<string, unknown> | null;
    error: string | null;
  },
): Promise<void> {
  await boundSql(
    em,
    `insert into audit_head_publication (id, channel, target, tree_size, head, status, attempts, last_error, receipt)
       values ($1, $2, $3, $4, $5::jsonb, $6, 1, $7, $8::jsonb)
     on conflict (channel, target, tree_size) do update set status = excluded.status,
       attempts = audit_head_publication.attempts + 1, last_error = excluded.last_error,
       receipt = coalesce(excluded.receipt, audit_head_publication.receipt), updated_at = now()
       where audit_head_publication.status <> 'published'`,
    [
      uuidv7(),
      channel.channel,
      channel.target,
      treeSize,
      head ? headJson(head) : '{}',
      outcome.status,
      outcome.error?.slice(0, 2000) ?? null,
      outcome.receipt ? JSON.stringify(outcome.receipt) : null,
    ],
  );
}
