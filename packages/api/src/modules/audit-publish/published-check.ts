import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../../errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import type { AuditProblem } from '../audit/audit-verify.ts';
import type { HeadChannel, PublishedHead } from './head-channel.ts';

/**
 * The log contradicts a head already published outside the database (truncated, rewound, forked, or a head
 * not the log's): the publisher signs and sends nothing. Only someone who changed the database gets
 * here; `audit verify` names the whole story.
 */
export class PublishRefusedError extends DomainError {
  override name = 'PublishRefusedError';
  readonly problem: AuditProblem;
  /** Where the contradicted head was read back. */
  readonly publishedIn: string[];
  constructor(problem: AuditProblem, publishedIn: string[]) {
    super(
      `No tree head was signed or published: the log contradicts a head already published (${publishedIn.join('; ')}). ${problem.kind}: ${problem.message} Run audit verify.`,
    );
    this.problem = problem;
    this.publishedIn = publishedIn;
  }
}

/** What the channels hold before a run: the newest head each (or null), or why it could not be read. */
export interface PublishedBefore {
  newest: Map<HeadChannel, PublishedHead | null>;
  unreadable: Map<HeadChannel, string>;
  /** Set when the log does not extend a head read back. */
  problem: AuditProblem | null;
  publishedIn: string[];
}

const sameHead = (a: TreeHead, b: TreeHead) => a.treeSize === b.treeSize && a.rootHash === b.rootHash;

/**
 * Reads the newest head back from every channel and proves the stored tree extends each
 * (`AuditService.extendsHeads`), before the publisher signs or sends anything. A log rewound and grown
 * again (a fork) fails here, so its heads never reach the chat or a witness.
 */
export async function checkAgainstPublished(
  em: EntityManager,
  audit: Pick<AuditService, 'extendsHeads'>,
  channels: readonly HeadChannel[],
): Promise<PublishedBefore> {
  const { newest, unreadable } = await readNewest(channels);
  const heads = [...newest.values()].filter((h): h is PublishedHead => h !== null);
  return { newest, unreadable, ...(await contradicted(em, audit, heads)) };
}

/** The first published head the stored tree does not extend, and every place that head was read. */
async function contradicted(
  em: EntityManager,
  audit: Pick<AuditService, 'extendsHeads'>,
  heads: readonly PublishedHead[],
): Promise<{ problem: AuditProblem | null; publishedIn: string[] }> {
  const problem = await audit.extendsHeads(
    em,
    heads.map((h) => h.head),
  );
  const head = problem?.head;
  const publishedIn = head ? heads.filter((h) => sameHead(h.head, head)).map((h) => h.where) : [];
  return { problem, publishedIn };
}

/** The newest head of every channel (null: it holds none), and why a channel could not be read. */
export async function readNewest(
  channels: readonly HeadChannel[],
): Promise<Pick<PublishedBefore, 'newest' | 'unreadable'>> {
  const newest = new Map<HeadChannel, PublishedHead | null>();
  const unreadable = new Map<HeadChannel, string>();
  for (const channel of channels) {
    try {
      newest.set(channel, await channel.latest());
    } catch (err) {
      unreadable.set(channel, (err as Error).message);
    }
  }
  return { newest, unreadable };
}

/** The newest head each reachable channel holds (`ReportsService`'s check before re-making a week). */
export async function newestPublished(channels: readonly HeadChannel[]): Promise<PublishedHead[]> {
  const { newest } = await readNewest(channels);
  return [...newest.values()].filter((h): h is PublishedHead => h !== null);
}

/**
 * The head a weekly file carries: signed only when the log extends every head published so far (each
 * channel's newest and the earlier weekly files'), since the mailed file is itself a publication. A forked
 * log gets no file (PublishRefusedError), as it gets no hourly head.
 */
export async function headExtendingPublished(
  em: EntityManager,
  audit: Pick<AuditService, 'treeHead' | 'extendsHeads'>,
  published: readonly PublishedHead[],
): Promise<TreeHead> {
  const { problem, publishedIn } = await contradicted(em, audit, published);
  if (problem) throw new PublishRefusedError(problem, publishedIn);
  return audit.treeHead(em);
}
