import type { TreeHead } from '../audit/audit-tree-head.ts';

/** Where a head was published: the portal's chat, a witness, a weekly file, or given by the auditor. */
export type ChannelKind = 'portal-chat' | 'witness' | 'weekly-file' | 'given';

/** A head read back from outside the database, with where it was found (as an auditor would cite it). */
export interface PublishedHead {
  head: TreeHead;
  channel: ChannelKind;
  /** e.g. "portal chat 17, message 204", "witness https://w.example/log (receipt)". */
  where: string;
}

/** Something wrong with a publication itself: a head message edited or deleted, a receipt that fails. */
export interface PublicationFinding {
  channel: ChannelKind;
  where: string;
  message: string;
}

/** One place heads are published to and read back from. */
export interface HeadChannel {
  channel: ChannelKind;
  /** Names the destination in the publication records: 'portal' or the witness URL. */
  target: string;
  /** Publishes the head; resolves to the channel's receipt (stored), throws on failure (retried next run). */
  publish(head: TreeHead): Promise<Record<string, unknown>>;
  /** Every head found there, and what is wrong with the publications themselves. */
  read(): Promise<{ heads: PublishedHead[]; findings: PublicationFinding[] }>;
  /**
   * The newest head there (the chat's newest head message, the witness's latest), or null when it holds
   * none: what the publisher checks the tree against before each head, cheaper than `read`.
   */
  latest(): Promise<PublishedHead | null>;
}

/**
 * A channel this process cannot reach (no portal configured or found): reading it fails with `reason`, so
 * the verifier lists it as unreachable rather than as a channel holding no heads.
 */
export function unreachableChannel(channel: ChannelKind, target: string, reason: string): HeadChannel {
  return {
    channel,
    target,
    publish: async () => {
      throw new Error(reason);
    },
    read: async () => {
      throw new Error(reason);
    },
    latest: async () => {
      throw new Error(reason);
    },
  };
}
