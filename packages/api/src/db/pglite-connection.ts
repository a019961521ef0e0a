import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import {
  authenticationCleartextPassword,
  backendKeyData,
  CANCEL_REQUEST_CODE,
  errorResponse,
  GSSENC_REQUEST_CODE,
  messageLength,
  PASSWORD,
  PROTOCOL_MAJOR_3,
  passwordOf,
  ReplyTracker,
  readyForQuery,
  SSL_REQUEST_CODE,
  SYNC,
  simpleQuery,
  startupPacketLength,
  TERMINATE,
  takeUnit,
} from './pg-wire.ts';
import { changesSetting, runQuietly, snapshotSettings } from './pglite-session-settings.ts';
import type { SessionLock } from './session-lock.ts';

/** What every connection of one server shares. */
export interface SharedSession {
  db: PGlite;
  lock: SessionLock<PgliteConnection>;
  /** Required from clients in a cleartext PasswordMessage (safe on loopback); null accepts anyone. */
  password: string | null;
  /** PGlite's own answer to a StartupMessage (AuthenticationOk, ParameterStatus...), replayed to each client. */
  greeting: Buffer;
  /** Disconnect an owner that sends nothing for this long mid-transaction (0: never). */
  idleOwnerTimeoutMs: number;
  /** The connection whose own session settings are in effect; null: the defaults (pglite-session-settings.ts). */
  settingsOwner: PgliteConnection | null;
  warn(message: string): void;
}

type Phase = 'startup' | 'password' | 'ready' | 'closed';

// Anything bigger in the startup phase is not a PostgreSQL client (an HTTP request, a port scanner).
const MAX_STARTUP_PACKET = 10_000;

let nextId = 1;

/**
 * One client socket. Its messages are cut into units (up to a Sync, Query, Flush, ...) and each unit runs
 * on PGlite while this connection owns the session lock; ownership ends only when PGlite reports an idle
 * session, so implicit extended-protocol cycles and explicit transactions are never interleaved.
 */
export class PgliteConnection {
  readonly closed: Promise<void>;
  private readonly id: number;
  private readonly socket: Socket;
  private readonly session: SharedSession;
  private readonly rejected: boolean;
  private readonly replies = new ReplyTracker();
  private phase: Phase = 'startup';
  private inbox: Buffer = Buffer.alloc(0);
  private pumping = false;
  private cleanedUp = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Statements that restore the session settings this connection made (none for most clients). */
  private settings: string[] = [];
  private resolveClosed: () => void = () => {};

  constructor(socket: Socket, session: SharedSession, rejected: boolean) {
    this.id = nextId++;
    this.socket = socket;
    this.session = session;
    this.rejected = rejected;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk]);
      void this.pump();
    });
    socket.on('error', () => {}); // 'close' follows and does the work
    socket.on('close', () => this.onClose());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onClose(): void {
    clearTimeout(this.idleTimer);
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.session.lock.cancel(this);
    if (!this.pumping) void this.cleanUp();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.phase !== 'closed') {
        if (this.phase === 'startup' && !this.readStartup()) break;
        if (this.phase === 'password' && !this.readPassword()) break;
        if (this.phase !== 'ready') continue;
        const work = this.nextWork();
        if (!work) break;
        if (!(await this.session.lock.acquire(this)) || this.phase !== 'ready') break;
        await this.run(work.bytes, work.awaitsReady);
      }
    } catch (error) {
      this.fatal('XX000', `embedded database failure: ${(error as Error).message}`);
    } finally {
      this.pumping = false;
      if (this.phase === 'closed') await this.cleanUp();
    }
  }

  /** Handles one startup-phase packet; false when more bytes are needed or the connection is over. */
  private readStartup(): boolean {
    if (this.inbox.length >= 4) {
      const declared = this.inbox.readInt32BE(0);
      if (declared < 8 || declared > MAX_STARTUP_PACKET) return this.fatal('08P01', 'invalid startup packet');
    }
    const length = startupPacketLength(this.inbox);
    if (length === 0) return false;
    const packet = this.inbox.subarray(0, length);
    this.inbox = this.inbox.subarray(length);
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      this.socket.write('N'); // no encryption on loopback; the client goes on in plain text
      return true;
    }
    if (code === CANCEL_REQUEST_CODE) {
      // PGlite runs each unit synchronously to completion: there is never a running query to cancel.
      this.socket.end();
      return false;
    }
    if (code >>> 16 !== PROTOCOL_MAJOR_3) return this.fatal('0A000', 'unsupported frontend protocol');
    if (this.rejected) return this.fatal('53300', 'sorry, too many clients already');
    if (this.session.password === null) {
      this.greet();
    } else {
      this.phase = 'password';
      this.socket.write(authenticationCleartextPassword());
    }
    return true;
  }

  private readPassword(): boolean {
    const length = messageLength(this.inbox);
    if (length === 0) return false;
    const msg = this.inbox.subarray(0, length);
    this.inbox = this.inbox.subarray(length);
    if (msg[0] !== PASSWORD) return this.fatal('08P01', 'expected a password message');
    if (!sameSecret(passwordOf(msg), this.session.password ?? '')) {
      return this.fatal('28P01', 'password authentication failed');
    }
    this.greet();
    return true;
  }

  /**
   * Startup parameters (client_encoding, options, ...) are ignored: they would change the session every
   * connection shares. Answering without PGlite also means connecting never waits for a transaction.
   */
  private greet(): void {
    const { greeting } = this.session;
    this.socket.write(
      Buffer.concat([greeting, backendKeyData(this.id, randomInt(2 ** 31)), readyForQuery('I')]),
    );
    this.phase = 'ready';
  }

  private nextWork(): { bytes: Uint8Array; awaitsReady: boolean } | null {
    if (this.inbox[0] === TERMINATE) {
      this.socket.end();
      return null;
    }
    const next = takeUnit(this.inbox);
    if (!next) return null;
    this.inbox = next.rest;
    return { bytes: next.unit, awaitsReady: next.awaitsReady };
  }

  private async run(bytes: Uint8Array, awaitsReady: boolean): Promise<void> {
    const { db, lock } = this.session;
    clearTimeout(this.idleTimer);
    await this.applyOwnSettings();
    this.replies.reset();
    await db.runExclusive(() =>
      db.execProtocolRawStream(bytes, {
        onRawData: (chunk) => {
          this.replies.feed(chunk);
          // The chunk is a view into WebAssembly memory that the next call reuses: copy it now.
          if (!this.socket.destroyed) this.socket.write(Buffer.from(chunk));
        },
      }),
    );
    if (awaitsReady && this.replies.endedIdle) {
      if (changesSetting(bytes)) await this.rememberSettings();
      lock.release(this);
    } else {
      this.armIdleTimer();
    }
  }

  /** Makes the session's settings this connection's own: the defaults, or what it set before. */
  private async applyOwnSettings(): Promise<void> {
    const { session } = this;
    const mine = this.settings.length > 0 ? this : null;
    if (session.settingsOwner === mine) return;
    await runQuietly(session.db, [...(session.settingsOwner ? ['RESET ALL'] : []), ...this.settings]);
    session.settingsOwner = mine;
  }

  private async rememberSettings(): Promise<void> {
    this.settings = await snapshotSettings(this.session.db);
    this.session.settingsOwner = this.settings.length > 0 ? this : null;
  }

  /**
   * Everybody else waits while an owner sits idle mid-transaction. PostgreSQL's
   * idle_in_transaction_session_timeout, applied here: it also turns the one-session deadlock (a
   * transaction awaiting a second connection) into an error instead of a hang.
   */
  private armIdleTimer(): void {
    const { idleOwnerTimeoutMs } = this.session;
    if (idleOwnerTimeoutMs <= 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.session.lock.owner !== this || this.phase !== 'ready') return;
      const text =
        'terminating connection due to idle-in-transaction timeout (the embedded database is shared)';
      this.socket.write(errorResponse('FATAL', '25P03', text));
      this.socket.destroy();
      this.session.warn(
        `embedded database: disconnected a client idle in a transaction for ${idleOwnerTimeoutMs} ms while ` +
          `${this.session.lock.waiting} waited; is a transaction awaiting a second connection?`,
      );
    }, idleOwnerTimeoutMs);
    this.idleTimer.unref();
  }

  /** Leaves the session as an idle one for the next owner: ends any extended-protocol cycle and transaction. */
  private async cleanUp(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    const { db, lock } = this.session;
    try {
      if (lock.owner === this && !db.closed) {
        const discard = { onRawData: () => {} };
        await db.runExclusive(async () => {
          await db.execProtocolRawStream(SYNC, discard);
          if (db.isInTransaction()) await db.execProtocolRawStream(simpleQuery('ROLLBACK'), discard);
          if (this.session.settingsOwner === this) {
            await db.execProtocolRawStream(simpleQuery('RESET ALL'), discard);
            this.session.settingsOwner = null;
          }
        });
      }
      // Not the owner: the next connection to run finds settings not its own and resets them first.
    } catch {
      // PGlite is closing or broken; nothing left to protect.
    } finally {
      lock.release(this);
      this.resolveClosed();
    }
  }

  private fatal(code: string, text: string): false {
    if (!this.socket.destroyed) this.socket.end(errorResponse('FATAL', code, text));
    // Only called from pump(), whose `finally` cleans up once the phase is closed.
    this.phase = 'closed';
    this.session.lock.cancel(this);
    return false;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
