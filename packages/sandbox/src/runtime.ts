import { createHash } from 'node:crypto';
import { AppStore } from './apps/store.ts';
import { Counters } from './counters.ts';
import { EventDispatcher } from './events/delivery.ts';
import { FaultController } from './faults.ts';
import { TokenStore } from './oauth/tokens.ts';
import { SessionStore } from './pages/sessions.ts';
import { type OperatingLimitOptions, OperatingTracker } from './rest/operating.ts';
import { LeakyBucket, type RateLimitOptions, STANDARD_RATE_LIMIT } from './rest/rate-limit.ts';
import type { MethodRegistry } from './rest/registry.ts';
import { SeedHelpers } from './seed/helpers.ts';
import { PortalState } from './state/portal-state.ts';
import type { Webhook } from './state/types.ts';

export type Dataset = 'demo' | 'empty';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 'demo': the seeded demo portal; 'empty' has only the admin, user 1. */
  dataset?: Dataset;
  /** Seed of the demo data, webhook codes and fault dice. Default `DEFAULT_SEED`. */
  seed?: number;
  /** Default: standard plan, burst 50 and 2/s (limits.md). `false` switches it off. */
  rateLimit?: false | RateLimitOptions;
  /** Default false. `DOCUMENTED_OPERATING_LIMIT` has the documented numbers. */
  operatingLimit?: false | OperatingLimitOptions;
  /** Portal domain shown in events. Default 'sandbox.bitrix24.local'. */
  domain?: string;
  /** Refuse a batch over 50 commands whole (400) instead of per command. Default false. */
  strictBatchLength?: boolean;
  /** Where the portal logs unexpected errors. Default: nowhere. */
  log?: (line: string) => void;
}

export const DEFAULT_SEED = 20240601;
export const DEFAULT_DOMAIN = 'sandbox.bitrix24.local';

function hash(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

/** Everything a request handler needs: state, limits, faults, counters, events. */
export class SandboxRuntime {
  readonly state = new PortalState();
  readonly counters = new Counters();
  /** Browser sessions of the HTML pages (cookie `PHPSESSID`); kept across `reset()`. */
  readonly sessions = new SessionStore();
  /** Entity builders over `state`, shared by REST methods and seeding. */
  readonly build = new SeedHelpers(this.state);
  /** Applications, their placements (kept across `reset()`, like webhooks). */
  readonly apps: AppStore;
  /** The authorization server's tokens (kept across `reset()`). */
  readonly tokens = new TokenStore();
  readonly faults: FaultController;
  readonly bucket: LeakyBucket;
  readonly operating: OperatingTracker;
  readonly methods: MethodRegistry;
  readonly events: EventDispatcher;
  readonly domain: string;
  readonly seed: number;
  readonly dataset: Dataset;
  readonly strictBatchLength: boolean;
  /** `auth[member_id]` of events: stable per domain. */
  readonly memberId: string;
  /** `auth[application_token]` of events: handlers compare it to trust a call. */
  readonly applicationToken: string;
  /** `http://host:port`, known once the server listens. */
  baseUrl = '';
  private readonly logger: (line: string) => void;

  constructor(options: SandboxOptions, methods: MethodRegistry) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.domain = options.domain ?? DEFAULT_DOMAIN;
    this.dataset = options.dataset ?? 'demo';
    this.strictBatchLength = options.strictBatchLength ?? false;
    this.faults = new FaultController(this.seed);
    this.bucket = new LeakyBucket(options.rateLimit === undefined ? STANDARD_RATE_LIMIT : options.rateLimit);
    this.operating = new OperatingTracker(options.operatingLimit ?? false);
    this.methods = methods;
    this.memberId = hash('member', this.domain).slice(0, 32);
    this.applicationToken = hash('app-token', this.domain, this.seed).slice(0, 32);
    this.apps = new AppStore(this.domain, this.seed);
    this.logger = options.log ?? (() => {});
    this.events = new EventDispatcher(this);
  }

  log(line: string): void {
    this.logger(line);
  }

  /** The user's incoming webhook, created on first use. Codes are derived from the seed, so stable. */
  issueWebhook(userId: number): Webhook {
    for (const w of this.state.webhooks.values()) if (w.userId === userId && w.active) return w;
    const code = hash('webhook', this.domain, this.seed, userId).slice(0, 16);
    const hook: Webhook = { code, userId, createdAt: new Date().toISOString(), active: true };
    this.state.webhooks.set(code, hook);
    return hook;
  }

  webhookUrl(userId: number): string {
    return `${this.baseUrl}/rest/${userId}/${this.issueWebhook(userId).code}/`;
  }

  /** Client endpoint as events carry it: the portal's REST root. */
  get clientEndpoint(): string {
    return `${this.baseUrl}/rest/`;
  }

  /**
   * `server_endpoint`: the authorization server's REST root (settings/oauth/index.md shows
   * `https://oauth.bitrix.info/rest/`). The sandbox is its own authorization server, so the token URL
   * `new URL('/oauth/token/', server_endpoint)` is this portal's `/oauth/token/`.
   */
  get serverEndpoint(): string {
    return `${this.baseUrl}/oauth/rest/`;
  }

  /**
   * The portal's host as the browser reaches it (`DOMAIN` of frames, the iframe name's first part):
   * app.layout's component.php uses the HTTP host with a non-standard port. Events keep `domain`.
   */
  get frameHost(): string {
    return new URL(this.baseUrl).host;
  }
}
