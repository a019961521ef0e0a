import { type Child, runChild } from './child.ts';

export interface SubjectSpec {
  label: string;
  messages: number;
  comments: number;
  tasks: number;
}

export interface SeededSubject extends SubjectSpec {
  userId: number;
}

export interface SandboxSpec {
  rateLimit?: false | { burst: number; drainPerSecond: number };
  subjects: SubjectSpec[];
}

export interface SandboxInfo {
  url: string;
  domain: string;
  webhooks: Record<number, string>;
  subjects: SeededSubject[];
}

/** The documented standard plan (`limits.md`): burst 50, drain 2 requests/s. */
export const STANDARD_RATE_LIMIT = { burst: 50, drainPerSecond: 2 };

/** A seeded sandbox portal in its own process, with the inspection calls the benches need. */
export class BenchSandbox {
  readonly info: SandboxInfo;
  readonly #child: Child<SandboxInfo>;

  private constructor(child: Child<SandboxInfo>, info: SandboxInfo) {
    this.#child = child;
    this.info = info;
  }

  static async start(spec: SandboxSpec): Promise<BenchSandbox> {
    const child = runChild<SandboxInfo>(new URL('./sandbox-main.ts', import.meta.url), [
      JSON.stringify(spec),
    ]);
    return new BenchSandbox(child, await child.first);
  }

  /** HTTP requests the portal received since the last reset (a batch is one). */
  async httpRequests(): Promise<number> {
    const response = await fetch(`${this.info.url}/_sandbox/counters`);
    return ((await response.json()) as { httpRequests: number }).httpRequests;
  }

  /** Zeroes the counters and refills the rate-limit bucket, so each contender starts alike. */
  async freshStart(rateLimit: SandboxSpec['rateLimit']): Promise<void> {
    await fetch(`${this.info.url}/_sandbox/counters/reset`, { method: 'POST' });
    await fetch(`${this.info.url}/_sandbox/rate-limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rateLimit ?? false),
    });
  }

  close(): void {
    this.#child.kill();
  }
}
