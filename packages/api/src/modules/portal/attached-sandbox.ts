import type { Bitrix24Client } from '../../bitrix24/index.ts';

/** What a sandbox tells about itself at `/_sandbox/info` (the part we use). */
interface SandboxInfo {
  domain: string;
  applicationToken: string;
  webhookUrls: Record<string, string>;
}

/** A user or token we do not know yet sends us to the sandbox at most this often. */
const REFRESH_MIN_MS = 2_000;

/**
 * Another process's sandbox (started separately, or the API's, seen from a worker or the CLI). Its
 * `/_sandbox/info` names the application token it signs events with and every user's webhook; both are
 * cached, and asked again on demand: for a user added after we attached, or a token that does not match
 * (the sandbox restarted with another seed). Misses are rate-limited, so unknown ids cannot make us
 * hammer the sandbox; see #refresh.
 */
export class AttachedSandbox {
  readonly base: string;
  readonly #clientFor: (webhookUrl: string) => Bitrix24Client;
  readonly #clients = new Map<number, Bitrix24Client>();
  #info: SandboxInfo;
  #fetchedAt: number;
  #refreshing: Promise<void> | null = null;

  private constructor(base: string, info: SandboxInfo, clientFor: (webhookUrl: string) => Bitrix24Client) {
    this.base = base;
    this.#info = info;
    this.#fetchedAt = Date.now();
    this.#clientFor = clientFor;
  }

  static async attach(
    url: string,
    clientFor: (webhookUrl: string) => Bitrix24Client,
  ): Promise<AttachedSandbox> {
    const base = url.replace(/\/+$/, '');
    return new AttachedSandbox(base, await fetchInfo(base), clientFor);
  }

  get domain(): string {
    return this.#info.domain;
  }

  /** The token the sandbox signs its event deliveries with; `fresh` asks the sandbox again (rate-limited). */
  async applicationToken(options: { fresh?: boolean } = {}): Promise<string> {
    if (options.fresh) await this.#refresh();
    return this.#info.applicationToken;
  }

  /** Users whose webhook the sandbox named when last asked. */
  knownUserIds(): number[] {
    return Object.keys(this.#info.webhookUrls).map(Number);
  }

  /** A client acting as the user, from what we know now. */
  clientOf(userId: number): Bitrix24Client | undefined {
    const known = this.#clients.get(userId);
    if (known) return known;
    const url = this.#info.webhookUrls[String(userId)];
    if (!url) return undefined;
    const created = this.#clientFor(url);
    this.#clients.set(userId, created);
    return created;
  }

  /** As clientOf, but a user we have not seen yet is looked up in the sandbox first. */
  async credentialsFor(userId: number): Promise<Bitrix24Client | undefined> {
    const known = this.clientOf(userId);
    if (known) return known;
    await this.#refresh();
    return this.clientOf(userId);
  }

  /**
   * One read at a time, and not sooner than REFRESH_MIN_MS after the last: callers in the pause wait for
   * it rather than go without (so a flood of unknown ids or forged tokens delays a newcomer's lookup by
   * at most the pause, and cannot starve it), and share the read.
   */
  async #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      const pause = this.#fetchedAt + REFRESH_MIN_MS - Date.now();
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      try {
        this.#info = await fetchInfo(this.base);
      } catch {
        // The sandbox is unreachable: keep what we know; the next miss tries again after the pause.
      } finally {
        this.#fetchedAt = Date.now();
      }
    })().finally(() => {
      this.#refreshing = null;
    });
    await this.#refreshing;
  }
}

async function fetchInfo(base: string): Promise<SandboxInfo> {
  const response = await fetch(`${base}/_sandbox/info`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the sandbox at ${base} answered /_sandbox/info with ${response.status}`);
  const info = (await response.json()) as Partial<SandboxInfo>;
  if (!info.domain || !info.applicationToken || !info.webhookUrls)
    throw new Error(`the sandbox at ${base} did not describe itself (domain, applicationToken, webhookUrls)`);
  return info as SandboxInfo;
}
