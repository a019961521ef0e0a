// The few pieces of the PostgreSQL v3 wire protocol our PGlite server needs: framing, a handful of
// messages it sends itself, and a tracker that finds where PGlite's replies end.
// Reference: https://www.postgresql.org/docs/current/protocol-message-formats.html

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
export const PROTOCOL_MAJOR_3 = 3;

// Frontend message types that make the server answer and so end a unit of work: Sync, simple Query,
// FunctionCall, CopyDone, CopyFail, Flush. Only the first five can end with ReadyForQuery.
const ANSWERED = new Set(['S', 'Q', 'F', 'c', 'f', 'H'].map((c) => c.charCodeAt(0)));
const ENDS_WITH_READY = new Set(['S', 'Q', 'F', 'c', 'f'].map((c) => c.charCodeAt(0)));

export const TERMINATE = 'X'.charCodeAt(0);
export const PASSWORD = 'p'.charCodeAt(0);
const READY_FOR_QUERY = 'Z'.charCodeAt(0);
export const IDLE = 'I'.charCodeAt(0);

/** Length of the untyped startup-phase packet at the head of `buf`, or 0 while it is incomplete. */
export function startupPacketLength(buf: Buffer): number {
  if (buf.length < 8) return 0;
  const length = buf.readInt32BE(0);
  return buf.length >= length ? length : 0;
}

/** Length (type byte included) of the typed message at `offset`, or 0 while it is incomplete. */
export function messageLength(buf: Buffer, offset = 0): number {
  if (buf.length - offset < 5) return 0;
  const length = 1 + buf.readInt32BE(offset + 1);
  return buf.length - offset >= length ? length : 0;
}

/**
 * Splits off the next unit of complete messages: everything up to and including the first message
 * the client waits on (Sync, Query, Flush, ...), or all complete messages when none of them has arrived yet.
 * Stops before a Terminate. `awaitsReady` tells whether PGlite's answer to this unit ends with ReadyForQuery.
 */
export function takeUnit(buf: Buffer): { unit: Buffer; rest: Buffer; awaitsReady: boolean } | null {
  let end = 0;
  let awaitsReady = false;
  for (;;) {
    const length = messageLength(buf, end);
    if (length === 0) break;
    const type = buf[end]!;
    // Terminate is never handed to PGlite (it would end the one session everybody shares).
    if (type === TERMINATE) break;
    end += length;
    if (ANSWERED.has(type)) {
      awaitsReady = ENDS_WITH_READY.has(type);
      break;
    }
  }
  if (end === 0) return null;
  return { unit: buf.subarray(0, end), rest: buf.subarray(end), awaitsReady };
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${code}`, `M${text}`].map((f) => `${f}\0`).join('');
  return message('E', Buffer.from(`${fields}\0`, 'utf8'));
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(processId, 0);
  body.writeInt32BE(secretKey, 4);
  return message('K', body);
}

export function readyForQuery(status: 'I'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export function startupMessage(params: Record<string, string>): Buffer {
  const pairs = Object.entries(params).map(([k, v]) => `${k}\0${v}\0`);
  const body = Buffer.from(`${pairs.join('')}\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_MAJOR_3 << 16, 4);
  return Buffer.concat([head, body]);
}

/** The complete messages in `buf`, each with its type byte. */
export function splitMessages(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, length = messageLength(buf); length > 0; at += length, length = messageLength(buf, at)) {
    out.push(buf.subarray(at, at + length));
  }
  return out;
}

export function authenticationCleartextPassword(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32BE(3);
  return message('R', body);
}

export function simpleQuery(sql: string): Buffer {
  return message('Q', Buffer.from(`${sql}\0`, 'utf8'));
}

export const SYNC = message('S', Buffer.alloc(0));

/** The NUL-terminated string a PasswordMessage carries. */
export function passwordOf(msg: Buffer): string {
  const body = msg.subarray(5);
  const nul = body.indexOf(0);
  return body.subarray(0, nul === -1 ? body.length : nul).toString('utf8');
}

/**
 * Follows the backend message stream (which PGlite hands out in arbitrary chunks) just enough to say
 * which message came last and, when that is ReadyForQuery, the transaction status it reported.
 */
export class ReplyTracker {
  private header = Buffer.alloc(5);
  private headerFill = 0;
  private bodyLeft = 0;
  private bodyRead = 0;
  private type = 0;
  private status = 0;
  /** Type of the last complete message, 0 if none since `reset()`. */
  lastType = 0;
  /** Status byte of that message when it was ReadyForQuery. */
  lastStatus = 0;

  reset(): void {
    this.lastType = 0;
    this.lastStatus = 0;
  }

  /** True when the last complete message was ReadyForQuery reporting an idle session (no transaction). */
  get endedIdle(): boolean {
    return this.lastType === READY_FOR_QUERY && this.lastStatus === IDLE && this.headerFill === 0;
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.headerFill < 5) {
        const n = Math.min(5 - this.headerFill, chunk.length - i);
        this.header.set(chunk.subarray(i, i + n), this.headerFill);
        this.headerFill += n;
        i += n;
        if (this.headerFill < 5) return;
        this.type = this.header[0]!;
        this.bodyLeft = this.header.readInt32BE(1) - 4;
        this.bodyRead = 0;
      } else {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        if (this.bodyRead === 0 && n > 0) this.status = chunk[i]!;
        this.bodyRead += n;
        this.bodyLeft -= n;
        i += n;
      }
      if (this.bodyLeft === 0) this.complete();
    }
  }

  private complete(): void {
    this.lastType = this.type;
    this.lastStatus = this.type === READY_FOR_QUERY ? this.status : 0;
    this.headerFill = 0;
  }
}
