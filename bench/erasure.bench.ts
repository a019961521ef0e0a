/**
 * Erasure of N chat messages against the sandbox: how many portal HTTP requests the run takes compared
 * with the floor ⌈N/50⌉ (one 50-command batch per 50 deletes), and items per second. The preview's
 * reads and the ledger write are shown apart. Figures only; nothing is asserted.
 *
 * `pnpm bench erasure`; BENCH_ERASURE_SIZES=2000,10000 (default) picks the sizes.
 */
import { Bitrix24Client, LeakyBucketLimiter, STANDARD_PLAN } from '../packages/api/src/bitrix24/index.ts';
import { DataSubjectRequest } from '../packages/api/src/modules/dsr/data-subject-request.entity.ts';
import {
  previewErasure,
  runErasure,
  writeErasureLedger,
} from '../packages/api/src/modules/dsr/erasure/index.ts';
import { createTestDatabase } from '../packages/api/test/support/database.ts';
import { createSandboxPortal, STANDARD_RATE_LIMIT } from '../packages/sandbox/src/index.ts';

interface Row {
  case: string;
  items: number;
  floor: number;
  previewHttp: number;
  previewMs: number;
  ledgerMs: number;
  runHttp: number;
  /** Requests the portal's bucket turned away (503), resent by the run: they count in runHttp. */
  refused: number;
  overFloor: number;
  runMs: number;
  itemsPerSecond: number;
}

async function one(n: number, rateLimited: boolean): Promise<Row> {
  const portal = await createSandboxPortal({
    dataset: 'empty',
    rateLimit: rateLimited ? STANDARD_RATE_LIMIT : false,
  });
  const db = await createTestDatabase();
  try {
    // One bucket per portal, shared by every webhook, as `sharedLimiter` does in production: the
    // portal's documented plan when it enforces one, otherwise no client-side throttle either.
    const limiter = new LeakyBucketLimiter(
      rateLimited ? STANDARD_PLAN : { burst: 100_000, drainPerSecond: 100_000 },
    );
    const client = (userId: number) =>
      new Bitrix24Client({ webhookUrl: portal.webhookUrl(userId), allowInsecureHttp: true, limiter });
    const subject = portal.seed.user({ NAME: 'Bench', LAST_NAME: 'Subject', EMAIL: 'bench@example.test' });
    const colleague = portal.seed.user({ NAME: 'Other', LAST_NAME: 'Person', EMAIL: 'other@example.test' });
    // Most messages in one busy chat, the rest spread over 20 small ones, as a real inbox looks.
    const busy = portal.seed.chat([subject.ID, colleague.ID], { title: 'Busy' });
    const small = Math.floor(n / 10 / 20);
    for (let i = 0; i < 20; i++) {
      const chat = portal.seed.chat([subject.ID, colleague.ID, 1], { title: `Topic ${i}` });
      portal.seed.messages(chat.id, small, { authorIds: [subject.ID] });
    }
    portal.seed.messages(busy.id, n - small * 20, { authorIds: [subject.ID] });
    const clients = { admin: client(1), asSubject: client(subject.ID) };

    portal.counters.reset();
    let t = performance.now();
    const plan = await previewErasure({
      portal: clients.admin,
      asSubject: clients.asSubject,
      subjectUserId: subject.ID,
    });
    const previewMs = performance.now() - t;
    const previewHttp = portal.counters.httpRequests;

    const em = db.orm.em.fork();
    const request = em.create(DataSubjectRequest, {
      type: 'ERASE',
      status: 'RUNNING',
      source: 'ADMIN',
      subjectUserId: subject.ID,
      dueAt: new Date(Date.now() + 30 * 86_400_000),
      progress: { step: 'queued', done: 0, total: null },
      checkpoint: {},
      acceptedUnder: {},
    });
    await em.flush();
    t = performance.now();
    await em.transactional((tx) => writeErasureLedger(tx, request.id, plan));
    const ledgerMs = performance.now() - t;

    portal.counters.reset();
    t = performance.now();
    const result = await runErasure({
      em: db.orm.em.fork(),
      requestId: request.id,
      subjectUserId: subject.ID,
      clients,
      pseudonymFor: (id) => `Anonymous ${id.toString(16).toUpperCase().padStart(4, '0')}`,
      checkpoint: {},
      saveCheckpoint: async () => {},
    });
    const runMs = performance.now() - t;
    const runHttp = portal.counters.httpRequests;
    const refused = portal.counters.snapshot().httpByStatus['503'] ?? 0;
    if (result.removed['chat-message'] !== n)
      throw new Error(`deleted ${result.removed['chat-message']} of ${n}`);
    const floor = Math.ceil(n / 50);
    return {
      case: rateLimited ? 'standard plan (50 + 2/s)' : 'no rate limit',
      items: n,
      floor,
      previewHttp,
      previewMs: Math.round(previewMs),
      ledgerMs: Math.round(ledgerMs),
      runHttp,
      refused,
      overFloor: runHttp - floor,
      runMs: Math.round(runMs),
      itemsPerSecond: Math.round((n / runMs) * 1000),
    };
  } finally {
    await db.close();
    await portal.close();
  }
}

export default async function erasureBench(): Promise<void> {
  const sizes = (process.env.BENCH_ERASURE_SIZES ?? '2000,10000').split(',').map(Number);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await one(n, false));
  // With the portal's real bucket the run is paced by the drain rate once the burst is spent.
  rows.push(await one(sizes[0] ?? 2000, true));
  console.table(rows);
  console.log(
    'floor = ⌈items/50⌉ delete batches; overFloor = run requests beyond it (lookups, profile, deactivation).',
  );
}
