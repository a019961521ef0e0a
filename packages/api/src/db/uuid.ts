import { randomFillSync, randomInt } from 'node:crypto';

let lastMs = -1;
let counter = 0;
/** Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id. */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter (method 1) so ids made in
 * the same millisecond by this process still sort in creation order, then 62 random bits.
 * PostgreSQL only gains uuidv7() in version 18; generating it here works on every server we support.
 */
export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = randomInt(0, 0x400); // random start, with room to count up within the millisecond
  } else {
    // Same millisecond, or the clock went back: keep counting on the last timestamp.
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  }
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids arrive from clients as strings; anything not shaped like a UUID is answered as "not found" without a query. */
export function looksLikeUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
