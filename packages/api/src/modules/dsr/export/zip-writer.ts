import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';

/**
 * A streamed ZIP on top of archiver, one entry at a time: an entry's promise settles when archiver
 * has taken all of it, so the next one never queues behind it in memory. Whatever goes wrong, the
 * first error wins and every later call rejects with it.
 */
export class ZipWriter {
  readonly #archive: ZipArchive;
  readonly #out: NodeJS.WritableStream;
  readonly #date: Date;
  readonly #waiting = new Map<string, () => void>();
  #failure: Error | undefined;
  #failed: Promise<never>;

  constructor(out: NodeJS.WritableStream, date: Date) {
    this.#out = out;
    this.#date = date;
    this.#archive = new ZipArchive({ zlib: { level: 6 } });
    let reject: (error: Error) => void = () => {};
    this.#failed = new Promise<never>((_, r) => {
      reject = r;
    });
    // Nobody may be waiting yet when it fails; the rejection is observed by the next call.
    this.#failed.catch(() => {});
    const fail = (error: Error) => {
      this.#failure ??= error;
      reject(this.#failure);
    };
    this.#archive.on('error', fail);
    this.#archive.on('warning', fail);
    this.#archive.on('entry', (entry) => {
      this.#waiting.get(entry.name)?.();
      this.#waiting.delete(entry.name);
    });
    (out as NodeJS.EventEmitter).on?.('error', fail);
    this.#archive.pipe(out);
  }

  /** Adds a streamed entry; resolves when the archive has consumed it. */
  async add(name: string, source: Readable): Promise<void> {
    if (this.#failure) throw this.#failure;
    const taken = new Promise<void>((resolve) => this.#waiting.set(name, resolve));
    source.on('error', (error) => {
      this.#failure ??= error;
      this.#archive.abort();
    });
    this.#archive.append(source, { name, date: this.#date });
    await Promise.race([taken, this.#failed]);
  }

  /** Adds a small text entry and returns its size and SHA-256. */
  async addText(name: string, content: string): Promise<{ bytes: number; sha256: string }> {
    const bytes = Buffer.from(content, 'utf8');
    if (this.#failure) throw this.#failure;
    const taken = new Promise<void>((resolve) => this.#waiting.set(name, resolve));
    this.#archive.append(bytes, { name, date: this.#date });
    await Promise.race([taken, this.#failed]);
    return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** Writes the central directory and waits until `out` has everything. */
  async finish(): Promise<void> {
    // Writable side only: when `out` is a PassThrough its reader is the caller's business.
    const flushed = finished(this.#out, { readable: false });
    await Promise.race([this.#archive.finalize(), this.#failed]);
    await Promise.race([flushed, this.#failed]);
  }

  /**
   * Stops writing and destroys `out`: a cut-off archive must not look complete to whoever holds
   * the file, and the caller deletes it.
   */
  abort(error: Error): void {
    this.#failure ??= error;
    this.#archive.unpipe(this.#out as Writable);
    this.#archive.abort();
    const out = this.#out as Partial<Writable>;
    if (typeof out.destroy === 'function') out.destroy(error);
  }
}
