/**
 * An export in application mode: 100,000 chat messages read through the subject's own OAuth token, with
 * a forced refresh (the sandbox expires the token before the run, so the first read answers 401
 * expired_token and the client refreshes once). HTTP requests to the portal (REST and /oauth/token/)
 * against the floor ⌈rows/2500⌉ + 10 (a batch of 50 pages of 50; 10 for the fixed reads, the refresh
 * and the notification), printed as a ratio. The request runs as in production: GraphQL, the runner,
 * the export handler, the app-mode PortalConnection; the sandbox runs in this process without its rate
 * limit, so this measures our requests, not the portal's pacing.
 */
import { DataSubjectRequest } from '../packages/api/src/modules/dsr/data-subject-request.entity.ts';
import { startAppApi } from '../packages/api/test/app/app-api.ts';
import { printTable, ratio } from './support/table.ts';

const MESSAGES = 100_000;
const SUBJECT = 3;

interface Measured {
  chats: number;
  rows: number;
  messages: number;
  seconds: number;
  rest: number;
  tokenCalls: number;
  refreshes: number;
  /** HTTP requests per method (a batch is one), where the requests over the floor went. */
  byMethod: Record<string, number>;
}

/** One export of MESSAGES chat messages spread evenly over `chats` chats (private ones first). */
async function measure(chats: number): Promise<Measured> {
  const app = await startAppApi();
  try {
    await app.install();
    const { seed, oauth, counters } = app.api.portal;
    const others = [4, 5, 6, 7, 8, 9, 10];
    for (let i = 0; i < chats; i++) {
      const other = others[i % others.length]!;
      const chat = i < others.length ? seed.privateChat(SUBJECT, other) : seed.chat([SUBJECT, other, 1]);
      seed.messages(chat.id, MESSAGES / chats, { authorIds: [SUBJECT] });
    }
    // The subject opens a portal page: the background-worker frame hands the app their token.
    await app.backgroundFrame(SUBJECT);
    const token = await app.api.tokenFor(SUBJECT);
    const started = await app.api.gql(
      `mutation { requestDataExport(userId: ${SUBJECT}) { ... on DataSubjectRequest { id } } }`,
      {},
      { token },
    );
    const id = started.data?.requestDataExport.id as string;

    // The forced refresh: the portal expires the subject's token before the export reads with it.
    oauth.expireAccessTokens({ userId: SUBJECT });
    oauth.resetCounters();
    counters.reset();
    const t0 = performance.now();
    await app.api.services.runner.run(id);
    const seconds = (performance.now() - t0) / 1000;

    const request = await app.api.services.orm.em.fork().findOneOrFail(DataSubjectRequest, id);
    if (request.status !== 'COMPLETED') throw new Error(`export ${request.status}: ${request.error}`);
    const manifest = (request.result as { manifest: { categories: { name: string; rows: number }[] } })
      .manifest;
    const tokenCalls = oauth.counters();
    return {
      chats,
      rows: manifest.categories.reduce((sum, c) => sum + c.rows, 0),
      messages: manifest.categories.find((c) => c.name === 'chat-messages')?.rows ?? 0,
      seconds,
      rest: counters.httpRequests,
      tokenCalls: tokenCalls.total,
      refreshes: tokenCalls.byGrant.refresh_token ?? 0,
      byMethod: counters.snapshot().httpByMethod,
    };
  } finally {
    await app.close();
  }
}

export default async function run(): Promise<void> {
  // 8 long chats (12,500 messages each) and 40 shorter ones (2,500 each): a chat's last page is rarely
  // full, so more chats cost more requests than the floor's perfect packing.
  const results = [await measure(8), await measure(40)];
  const rows: (string | number)[][] = [
    [
      'chats',
      'rows',
      'chat messages',
      'seconds',
      'REST requests',
      'token requests',
      'refreshes',
      'floor',
      'requests/floor',
    ],
  ];
  for (const r of results) {
    const floor = Math.ceil(r.rows / 2500) + 10;
    rows.push([
      r.chats,
      r.rows,
      r.messages,
      r.seconds,
      r.rest,
      r.tokenCalls,
      r.refreshes,
      floor,
      ratio(r.rest + r.tokenCalls, floor),
    ]);
  }
  printTable(
    'app-mode export: 100k chat messages through the subject’s OAuth token, one forced refresh',
    rows,
  );
  for (const r of results) {
    const parts = Object.entries(r.byMethod).map(([method, n]) => `${method} ${n}`);
    console.log(`${r.chats} chats, REST requests by method: ${parts.join(', ')}`);
  }
  console.log('target: requests/floor ≤ ×1.00 (floor = ⌈rows/2500⌉ + 10), exactly 1 refresh');
}
