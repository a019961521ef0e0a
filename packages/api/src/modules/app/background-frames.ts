import type { Logger } from '../../config/logger.ts';
import { sha256Hex } from '../identity/secrets.ts';
import type { AppRuntime } from './app-connection.ts';
import type { InstalledPortal } from './app-portals.ts';
import { type FrameInput, framePortal, verifyFrame } from './verify-frame.ts';

/** Unknown tokens waiting for their `profile` call; past this, new ones wait for the user's next page. */
const MAX_PENDING = 2_000;
/** `profile` calls at once: the portal's rate limit is the real bound (the client's limiter enforces it). */
const CONCURRENCY = 4;
const MINUTE_MS = 60_000;
/** How long an address whose frame token the portal refused gets no further verifications. */
export const REFUSED_PENALTY_MS = 10 * MINUTE_MS;

export type BackgroundOutcome = 'known' | 'queued' | 'busy' | 'refused';

export interface BackgroundAnswer {
  outcome: BackgroundOutcome;
  /** The installed portal's origin when the frame claims it (and passed the cheap checks): frame-ancestors. */
  portalOrigin: string | null;
}

/** Tokens as the portal issues them (letters and digits; 32 to 70 in practice). */
const TOKEN = /^[A-Za-z0-9]{20,200}$/;
const MEMBER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** Client addresses remembered for their per-address budget; past this the oldest minute is forgotten. */
const MAX_ADDRESSES = 10_000;

/**
 * What can be checked without asking the portal (widget_data.md lists the fields): tokens well-formed,
 * the placement ours, `member_id` an installed portal, `DOMAIN` that portal's address, and an
 * `APPLICATION_TOKEN`, when one is sent at all, its token. A frame failing any is refused before it can
 * cost a `profile` call.
 */
export async function cheapFrameCheck(app: AppRuntime, input: FrameInput): Promise<InstalledPortal | null> {
  const { form, query } = input;
  const authId = form.get('AUTH_ID') ?? '';
  const refreshId = form.get('REFRESH_ID');
  const expires = form.get('AUTH_EXPIRES');
  const memberId = form.get('member_id') ?? '';
  if (!TOKEN.test(authId) || (refreshId !== null && refreshId !== '' && !TOKEN.test(refreshId))) return null;
  if (expires !== null && expires !== '' && !/^\d{1,7}$/.test(expires)) return null;
  if (form.get('PLACEMENT') !== 'PAGE_BACKGROUND_WORKER' || !MEMBER_ID.test(memberId)) return null;
  const portal = await framePortal(app, memberId);
  if (!portal) return null;
  const domain = (query.get('DOMAIN') ?? '').toLowerCase();
  const host = new URL(portal.clientEndpoint).host.toLowerCase();
  if (domain !== host && domain !== portal.domain.toLowerCase()) return null;
  const applicationToken = form.get('APPLICATION_TOKEN');
  if (applicationToken && !(await app.portals.verified(memberId, applicationToken))) return null;
  return portal;
}

/**
 * PAGE_BACKGROUND_WORKER frames (widgets/universal/background-worker.md): a hidden frame on every page of
 * every user, which must answer within 5 s (more than 10 slow answers a day and the portal removes the
 * registration). So the answer never waits for the portal: a token we already hold is answered from
 * memory or one indexed query; a new one is queued, its `profile` call and storage happen after the
 * answer, deduplicated and bounded. The frame names no user and the portal issues a fresh token for every
 * frame it renders (app.layout asks the auth provider each time), so only `profile` can tell whose token
 * it is: at most `perMinute` of those calls (APP_BACKGROUND_VERIFY_PER_MINUTE) are spent, a share of the
 * portal's rate limit; frames past it are answered and dropped. One token per user is enough for 180
 * days (we refresh it ourselves), so a user is caught on some later page. Frames that fail the cheap
 * checks (`cheapFrameCheck`) never reach the budget, and one client address gets at most its share
 * (APP_BACKGROUND_VERIFY_PER_ADDRESS_PER_MINUTE), so made-up frames cannot starve real users' ones.
 * Tokens are never logged.
 */
export class BackgroundFrames {
  readonly #app: AppRuntime;
  readonly #logger: Logger;
  readonly #pending = new Map<string, { input: FrameInput; address: string; spentAt: number }>();
  /** Addresses (IPv6 by /64) whose frame token the portal refused, until when they get no verification. */
  readonly #penalised = new Map<string, number>();
  /** Tokens whose `profile` call is under way (a second frame with one is not queued again). */
  readonly #inFlight = new Set<string>();
  #running = 0;
  #idle: (() => void)[] = [];
  readonly #perMinute: number;
  readonly #perAddress: number;
  /** Start times of the verifications of the last minute (a sliding window), overall and per address. */
  readonly #spent: number[] = [];
  readonly #spentBy = new Map<string, number[]>();
  /** When refused verifications handed their slot back (the last minute's). */
  readonly #refunded: number[] = [];

  constructor(app: AppRuntime, logger: Logger, options: { perMinute: number; perAddress?: number }) {
    this.#app = app;
    this.#logger = logger;
    this.#perMinute = options.perMinute;
    this.#perAddress = Math.min(options.perAddress ?? options.perMinute, options.perMinute);
  }

  /** Whether another `profile` call fits this minute's budget and the address's share (and spends both). */
  #withinBudget(address: string): boolean {
    const now = this.#app.now();
    const trim = (list: number[]) => {
      while (list.length > 0 && list[0]! <= now - MINUTE_MS) list.shift();
    };
    trim(this.#spent);
    if (this.#spent.length >= this.#perMinute) return false;
    if (this.#spentBy.size >= MAX_ADDRESSES && !this.#spentBy.has(address))
      for (const [key, list] of this.#spentBy) {
        trim(list);
        if (list.length === 0) this.#spentBy.delete(key);
      }
    if (this.#spentBy.size >= MAX_ADDRESSES && !this.#spentBy.has(address)) return false;
    const mine = this.#spentBy.get(address) ?? [];
    trim(mine);
    if (mine.length >= this.#perAddress) return false;
    mine.push(now);
    this.#spentBy.set(address, mine);
    this.#spent.push(now);
    return true;
  }

  /**
   * A refused verification hands its slot of the minute's budget back (the portal call is spent, but it
   * must not keep real users out for the rest of the minute; the address's own share stays spent), puts
   * the address out for REFUSED_PENALTY_MS, and drops its frames still waiting (they cost nothing yet).
   * So junk from a few addresses costs each a handful of calls and then nothing, while real users' frames
   * keep the whole budget (up to `perMinute` refunds a minute). An office behind one address whose user's token is refused waits with it;
   * their frames come back on every page.
   */
  #refused(address: string, spentAt: number): void {
    // Refunds are capped too (at most `perMinute` a minute), so many addresses (a /48 holds 65 536
    // /64s) can never make us spend more than twice the budget on `profile` in a minute.
    const now = this.#app.now();
    while (this.#refunded.length > 0 && this.#refunded[0]! <= now - MINUTE_MS) this.#refunded.shift();
    const index = this.#spent.indexOf(spentAt);
    if (index >= 0 && this.#refunded.length < this.#perMinute) {
      this.#spent.splice(index, 1);
      this.#refunded.push(now);
    }
    if (this.#penalised.size >= MAX_ADDRESSES)
      for (const [key, until] of this.#penalised) if (until <= this.#app.now()) this.#penalised.delete(key);
    if (this.#penalised.size < MAX_ADDRESSES)
      this.#penalised.set(address, this.#app.now() + REFUSED_PENALTY_MS);
    for (const [key, waiting] of this.#pending) if (waiting.address === address) this.#pending.delete(key);
  }

  #isPenalised(address: string): boolean {
    const until = this.#penalised.get(address);
    if (until === undefined) return false;
    if (until > this.#app.now()) return true;
    this.#penalised.delete(address);
    return false;
  }

  /** `address`: the client the frame came from (its browser), for the per-address share of the budget. */
  async receive(input: FrameInput, clientAddress = 'local'): Promise<BackgroundAnswer> {
    const address = addressKey(clientAddress);
    const portal = await cheapFrameCheck(this.#app, input);
    if (!portal) return { outcome: 'refused', portalOrigin: null };
    const answer = (outcome: BackgroundOutcome): BackgroundAnswer => ({
      outcome,
      portalOrigin: new URL(portal.clientEndpoint).origin,
    });
    const authId = input.form.get('AUTH_ID') ?? '';
    if ((await this.#app.tokens.userOfToken(portal, authId)) !== null) return answer('known');
    const key = sha256Hex(authId);
    if (this.#pending.has(key) || this.#inFlight.has(key)) return answer('queued');
    if (this.#isPenalised(address)) return answer('busy');
    if (this.#pending.size >= MAX_PENDING || !this.#withinBudget(address)) return answer('busy');
    this.#pending.set(key, { input, address, spentAt: this.#app.now() });
    this.#pump();
    return answer('queued');
  }

  /** Resolves once every queued frame has been handled (tests, benchmarks, shutdown). */
  settled(): Promise<void> {
    if (this.#pending.size === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < CONCURRENCY && this.#pending.size > 0) {
      const [key, { input, address, spentAt }] = this.#pending.entries().next().value as [
        string,
        { input: FrameInput; address: string; spentAt: number },
      ];
      this.#pending.delete(key);
      this.#inFlight.add(key);
      this.#running++;
      void verifyFrame(this.#app, input)
        .then((outcome) => {
          if (outcome.ok) return;
          this.#logger.debug({ code: outcome.code }, 'background frame refused');
          if (outcome.code === 'TOKEN_REFUSED') this.#refused(address, spentAt);
        })
        .catch((err: unknown) => this.#logger.warn({ err: errorName(err) }, 'background frame failed'))
        .finally(() => {
          this.#inFlight.delete(key);
          this.#running--;
          this.#pump();
          if (this.#pending.size === 0 && this.#running === 0)
            for (const done of this.#idle.splice(0)) done();
        });
    }
  }
}

/** An IPv6 client counts by its /64 (one subscriber's prefix, which they may fill freely); IPv4 as is. */
export function addressKey(address: string): string {
  if (!address.includes(':') || /^::ffff:\d/i.test(address)) return address.replace(/^::ffff:/i, '');
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.padStart(4, '0'))
    .join(':')}::/64`;
}

/** Only the error's class: a message might quote a request. */
const errorName = (err: unknown) => (err instanceof Error ? err.name : 'unknown');
