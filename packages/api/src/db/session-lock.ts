/**
 * Who may talk to the single PGlite session right now. Waiters are served first come, first served,
 * so a connection that releases and asks again goes behind everybody already waiting.
 */
export class SessionLock<T> {
  private current: T | null = null;
  private readonly waiters: { who: T; grant: (granted: boolean) => void }[] = [];

  get owner(): T | null {
    return this.current;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves true once `who` owns the session, or false if `cancel(who)` came first. */
  acquire(who: T): Promise<boolean> {
    if (this.current === who) return Promise.resolve(true);
    if (this.current === null) {
      this.current = who;
      return Promise.resolve(true);
    }
    return new Promise((grant) => this.waiters.push({ who, grant }));
  }

  release(who: T): void {
    if (this.current !== who) return;
    const next = this.waiters.shift();
    this.current = next ? next.who : null;
    next?.grant(true);
  }

  /** Withdraws a pending `acquire` (the connection went away while queued). */
  cancel(who: T): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.who !== who) continue;
      this.waiters.splice(i, 1);
      waiter.grant(false);
    }
  }
}
