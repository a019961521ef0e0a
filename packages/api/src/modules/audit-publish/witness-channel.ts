import type { TreeHead } from '../audit/audit-tree-head.ts';
import type { HeadChannel, PublishedHead } from './head-channel.ts';
import { headJson } from './head-text.ts';
import { parseReceipt, receiptProblem, type Witness } from './witness-protocol.ts';

/** A witness answers within this, or the attempt fails (and is retried at the next run). */
const TIMEOUT_MS = 10_000;

/** Publishes heads to one witness by plain HTTP, and reads back the newest head it countersigned. */
export function witnessChannel(witness: Witness): HeadChannel {
  const where = `witness ${witness.url}`;
  /** The newest head it countersigned (GET), checked with its key; null when it holds none. */
  const latest = async (): Promise<PublishedHead | null> => {
    const response = await fetch(witness.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`the witness answered ${response.status}`);
    const receipt = parseReceipt(await response.json());
    const bad = receiptProblem(receipt, witness);
    if (bad) throw new Error(`its latest receipt is not valid: ${bad}`);
    return { head: receipt.head, channel: 'witness', where: `${where} (latest)` };
  };
  return {
    channel: 'witness',
    target: witness.url,
    async publish(head: TreeHead) {
      const response = await fetch(witness.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: headJson(head),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`the witness answered ${response.status}`);
      const receipt = parseReceipt(await response.json(), head);
      const bad = receiptProblem(receipt, witness);
      if (bad) throw new Error(`the witness's receipt is not valid: ${bad}`);
      return { ...receipt, head: JSON.parse(headJson(head)) };
    },
    async read() {
      const head = await latest();
      return { heads: head ? [head] : [], findings: [] };
    },
    latest,
  };
}
