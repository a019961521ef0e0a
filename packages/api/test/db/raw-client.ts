import { connect, type Socket } from 'node:net';

/**
 * A bare wire-protocol client, for what `pg` never does on its own: sending a Parse, waiting for its
 * answer, and only then the Bind/Execute/Sync (as cursors and describe-first drivers do).
 */
export class RawClient {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private wake: () => void = () => {};

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
  }

  static async connect(url: string): Promise<RawClient> {
    const { hostname, port, username, password } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    const params = Buffer.from(`user\0${username}\0database\0postgres\0\0`);
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE(3 << 16, 4);
    socket.write(Buffer.concat([head, params]));
    const [auth] = await client.read(1);
    if (auth?.[0] === 0x52 && auth.readInt32BE(5) === 3)
      socket.write(message('p', `${decodeURIComponent(password)}\0`));
    await client.readUntil('Z');
    return client;
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** Messages up to and including the first of `type`. */
  async readUntil(type: string): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (;;) {
      const [next] = await this.read(1);
      out.push(next!);
      if (next![0] === type.charCodeAt(0)) return out;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async read(count: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    while (out.length < count) {
      if (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const length = 1 + this.buffer.readInt32BE(1);
        out.push(this.buffer.subarray(0, length));
        this.buffer = this.buffer.subarray(length);
      } else {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    }
    return out;
  }
}

export function message(type: string, body: string | Buffer = ''): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
}

export const parse = (sql: string) => message('P', `\0${sql}\0\0\0`);
export const flush = () => message('H');
export const sync = () => message('S');
export const execute = () => message('E', Buffer.from('\0\0\0\0\0'));

/** Bind of the unnamed statement to the unnamed portal, all parameters and results as text. */
export function bind(params: string[]): Buffer {
  const parts = [Buffer.from('\0\0'), int16(0), int16(params.length)];
  for (const p of params) parts.push(int32(Buffer.byteLength(p)), Buffer.from(p));
  parts.push(int16(0));
  return message('B', Buffer.concat(parts));
}

/** Text of the first column of a DataRow message. */
export function firstColumn(dataRow: Buffer): string {
  const length = dataRow.readInt32BE(7);
  return dataRow.subarray(11, 11 + length).toString();
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
