import type { Logger } from '../../config/logger.ts';
import type { AppRuntime } from './app-connection.ts';
import { sha256Hex } from './token-fields.ts';
import { type FrameInput, framePortal, verifyFrame } from './verify-frame.ts';

/** Unknown tokens waiting for their `profile` call; past this, new ones wait for the user's next page. */
const MAX_PENDING = 2_000;
/** `profile` calls at once: the portal's rate limit is the real bound (the client's limiter enforces it). */
const CONCURRENCY = 4;
const MINUTE_MS = 60_000;

export type BackgroundOutcome = 'known' | 'queued' | 'busy' | 'refused';

/**
 * PAGE_BACKGROUND_WORKER frames (widgets/universal/background-worker.md): a hidden frame on every page of
 * every user, which must answer within 5 s (more than 10 slow answers a day and the portal removes the
 * registration). So the answer never waits for the portal: a token we already hold is answered from
 * memory or one indexed query; a new one is queued, its `profile` call and storage happen after the
 * answer, deduplicated and bounded. The frame names no user and the portal issues a fresh token for every
 * frame it renders (app.layout asks the auth provider each time), so only `profile` can tell whose token
 * it is: at most `perMinute` of those calls (APP_BACKGROUND_VERIFY_PER_MINUTE) are spent, a share of the
 * portal's rate limit; frames past it are answered and dropped. One token per user is enough for 180
 * days (we refresh it ourselves), so a user is caught on some later page. Tokens are never logged.
 */
export class BackgroundFrames {
  readonly #app: AppRuntime;
  readonly #logger: Logger;
  readonly #pending = new Map<string, FrameInput>();
  /** Tokens whose `profile` call is under way (a second frame with one is not queued again). */
  readonly #inFlight = new Set<string>();
  #running = 0;
  #idle: (() => void)[] = [];
  readonly #perMinute: number;
  /** Start times of the verifications of the last minute (a sliding window). */
  readonly #spent: number[] = [];

  constructor(app: AppRuntime, logger: Logger, options: { perMinute: number }) {
    this.#app = app;
    this.#logger = logger;
    this.#perMinute = options.perMinute;
  }

  /** Whether another `profile` call fits this minute's budget (and spends it). */
  #withinBudget(): boolean {
    const now = this.#app.now();
    while (this.#spent.length > 0 && this.#spent[0]! <= now - MINUTE_MS) this.#spent.shift();
    if (this.#spent.length >= this.#perMinute) return false;
    this.#spent.push(now);
    return true;
  }

  async receive(input: FrameInput): Promise<BackgroundOutcome> {
    const authId = input.form.get('AUTH_ID')?.trim() ?? '';
    const memberId = input.form.get('member_id')?.trim() ?? '';
    if (!authId || !memberId || authId.length > 200) return 'refused';
    const portal = await framePortal(this.#app, memberId);
    if (!portal) return 'refused';
    if ((await this.#app.tokens.userOfToken(portal, authId)) !== null) return 'known';
    const key = sha256Hex(authId);
    if (this.#pending.has(key) || this.#inFlight.has(key)) return 'queued';
    if (this.#pending.size >= MAX_PENDING || !this.#withinBudget()) return 'busy';
    this.#pending.set(key, input);
    this.#pump();
    return 'queued';
  }

  /** Resolves once every queued frame has been handled (tests, benchmarks, shutdown). */
  settled(): Promise<void> {
    if (this.#pending.size === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < CONCURRENCY && this.#pending.size > 0) {
      const [key, input] = this.#pending.entries().next().value as [string, FrameInput];
      this.#pending.delete(key);
      this.#inFlight.add(key);
      this.#running++;
      void verifyFrame(this.#app, input)
        .then((outcome) => {
          if (!outcome.ok) this.#logger.debug({ code: outcome.code }, 'background frame refused');
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

/** Only the error's class: a message might quote a request. */
const errorName = (err: unknown) => (err instanceof Error ? err.name : 'unknown');
