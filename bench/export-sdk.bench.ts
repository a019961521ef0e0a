/**
 * The export's largest read, 100,000 chat messages of one subject, by our reader and through the
 * official SDK `@bitrix24/b24jssdk` 2.2.0, against the same sandbox with the documented rate limit
 * (burst 50, drain 2/s), in the same run. Our reader is the baseline.
 *
 * `im.dialog.messages.get` pages by `LAST_ID` only (no `start`, no ID filter), so the SDK's list helpers
 * (`callList`/`fetchList`, which page by a `>ID` filter) cannot read it: on this method they would get
 * the newest page again and again. SDK code therefore reads it either page by page with `call.make`
 * (50 messages per request; at 2/s that takes over 16 minutes, so it runs for a time budget and the
 * rest is projected from its measured steady rate) or with its batch helper `batch.make`, chaining
 * `LAST_ID` through `$result[...]` by hand, which is what our reader does for you.
 */
import { Bitrix24Client, LeakyBucketLimiter, STANDARD_PLAN } from '../packages/api/src/bitrix24/index.ts';
import { readChainedLists } from '../packages/api/src/modules/dsr/export/portal/chained-pages.ts';
import { sdkHook } from './support/b24jssdk.ts';
import { BenchSandbox, STANDARD_RATE_LIMIT } from './support/sandbox.ts';
import { printTable, ratio } from './support/table.ts';

const MESSAGES = Number(process.env.BENCH_SDK_ROWS ?? 100_000);
const PAGE = 50;
const SDK_BUDGET_MS = Number(process.env.BENCH_SDK_BUDGET_S ?? 40) * 1000;

interface Outcome {
  name: string;
  rows: number;
  requests: number;
  ms: number;
  /** For a run stopped at its budget: requests and time for all rows, projected. */
  projected?: { requests: number; ms: number };
}

async function ours(webhook: string, dialogId: string): Promise<{ rows: number }> {
  const client = new Bitrix24Client({ webhookUrl: webhook, limiter: new LeakyBucketLimiter(STANDARD_PLAN) });
  const list = {
    method: 'im.dialog.messages.get',
    params: { DIALOG_ID: dialogId, LIMIT: PAGE },
    cursorParam: 'LAST_ID',
    itemsPath: ['messages'],
    idField: 'id',
    pageSize: PAGE,
    direction: 'older' as const,
  };
  let rows = 0;
  for await (const page of readChainedLists(client, [list])) if ('rows' in page) rows += page.rows.length;
  return { rows };
}

type Message = { id: number };

async function sdkBatch(webhook: string, dialogId: string): Promise<{ rows: number }> {
  const hook = sdkHook(webhook);
  let rows = 0;
  let lastId: number | undefined;
  for (;;) {
    const calls: Record<string, { method: string; params: Record<string, unknown> }> = {};
    for (let i = 0; i < 50; i++) {
      const cursor = i === 0 ? lastId : `$result[p${i - 1}][messages][${PAGE - 1}][id]`;
      calls[`p${i}`] = {
        method: 'im.dialog.messages.get',
        params: { DIALOG_ID: dialogId, LIMIT: PAGE, ...(cursor === undefined ? {} : { LAST_ID: cursor }) },
      };
    }
    const response = await hook.actions.v2.batch.make({ calls, options: { isHaltOnError: false } });
    const data = response.getData() as Record<string, { messages?: Message[] }>;
    for (let i = 0; i < 50; i++) {
      const messages = data[`p${i}`]?.messages ?? [];
      rows += messages.length;
      if (messages.length < PAGE) return { rows };
      lastId = messages.at(-1)!.id;
    }
  }
}

async function sdkPages(
  webhook: string,
  dialogId: string,
): Promise<{ rows: number; stopped: boolean; steadyMsPerRequest: number }> {
  const hook = sdkHook(webhook);
  const started = performance.now();
  let rows = 0;
  let requests = 0;
  let lastId: number | undefined;
  let steadyFrom: { at: number; requests: number } | undefined;
  for (;;) {
    const response = await hook.actions.v2.call.make({
      method: 'im.dialog.messages.get',
      params: { DIALOG_ID: dialogId, LIMIT: PAGE, ...(lastId === undefined ? {} : { LAST_ID: lastId }) },
    });
    requests += 1;
    const messages = (response.getData() as { result: { messages: Message[] } }).result.messages;
    rows += messages.length;
    if (messages.length < PAGE) return { rows, stopped: false, steadyMsPerRequest: 0 };
    lastId = messages.at(-1)!.id;
    // Past the burst, the limiter sets the pace: measure it from there.
    if (requests === STANDARD_RATE_LIMIT.burst) steadyFrom = { at: performance.now(), requests };
    if (performance.now() - started > SDK_BUDGET_MS) {
      const steady = steadyFrom
        ? (performance.now() - steadyFrom.at) / (requests - steadyFrom.requests)
        : (performance.now() - started) / requests;
      return { rows, stopped: true, steadyMsPerRequest: steady };
    }
  }
}

export default async function run(): Promise<void> {
  const sandbox = await BenchSandbox.start({
    rateLimit: STANDARD_RATE_LIMIT,
    subjects: [{ label: 'sdk', messages: MESSAGES, comments: 0, tasks: 0 }],
  });
  const outcomes: Outcome[] = [];
  try {
    const subject = sandbox.info.subjects[0]!;
    const webhook = sandbox.info.webhooks[subject.userId]!;
    const dialogId = '1';
    const measure = async <T extends { rows: number }>(name: string, read: () => Promise<T>) => {
      await sandbox.freshStart(STANDARD_RATE_LIMIT);
      const started = performance.now();
      const result = await read();
      const outcome: Outcome = {
        name,
        rows: result.rows,
        requests: await sandbox.httpRequests(),
        ms: performance.now() - started,
      };
      outcomes.push(outcome);
      return { result, outcome };
    };
    await measure('ours: batched LAST_ID chain (readChainedLists)', () => ours(webhook, dialogId));
    await measure('SDK batch.make, LAST_ID chained by hand', () => sdkBatch(webhook, dialogId));
    const { result, outcome } = await measure('SDK call.make, one page per request', () =>
      sdkPages(webhook, dialogId),
    );
    if (result.stopped) {
      const total = Math.ceil(MESSAGES / PAGE) + (MESSAGES % PAGE === 0 ? 1 : 0);
      outcome.projected = {
        requests: total,
        ms: outcome.ms + (total - outcome.requests) * result.steadyMsPerRequest,
      };
    }
  } finally {
    sandbox.close();
  }
  const base = outcomes[0]!;
  const rows: (string | number)[][] = [['reader', 'rows read', 'requests', 'vs ours', 'seconds', 'vs ours']];
  for (const o of outcomes) {
    const requests = o.projected?.requests ?? o.requests;
    const ms = o.projected?.ms ?? o.ms;
    rows.push([
      o.projected ? `${o.name} (stopped at ${SDK_BUDGET_MS / 1000} s; projected)` : o.name,
      o.rows,
      o.projected ? `${o.requests} → ${requests}` : requests,
      ratio(requests, base.requests),
      o.projected ? `${(o.ms / 1000).toFixed(1)} → ${(ms / 1000).toFixed(0)}` : ms / 1000,
      ratio(ms, base.ms),
    ]);
  }
  printTable(
    `${MESSAGES.toLocaleString('en')} chat messages, sandbox at the documented rate limit (burst 50, 2/s)`,
    rows,
  );
  console.log('target: fewer requests and less time than the SDK');
}
