import { describe, expect, it } from 'vitest';
import { ReplyTracker, SYNC, simpleQuery, takeUnit } from '../../src/db/pg-wire.ts';

const msg = (type: string, body = '') => {
  const b = Buffer.alloc(5 + body.length);
  b.write(type, 0, 'latin1');
  b.writeInt32BE(4 + body.length, 1);
  b.write(body, 5, 'latin1');
  return b;
};

describe('takeUnit', () => {
  it('cuts after the first message the client waits on', () => {
    const buf = Buffer.concat([msg('P', 'x\0'), msg('B'), msg('E'), SYNC, msg('P', 'y\0')]);
    const first = takeUnit(buf)!;
    expect(first.awaitsReady).toBe(true);
    expect(first.unit.length).toBe(buf.length - 7);
    const second = takeUnit(first.rest)!;
    expect(second.awaitsReady).toBe(false);
    expect(takeUnit(second.rest)).toBeNull();
  });

  it('hands out complete messages before their Sync arrives, and never a partial one', () => {
    const parse = msg('P', 'select 1\0');
    const partial = Buffer.concat([parse, SYNC.subarray(0, 3)]);
    const unit = takeUnit(partial)!;
    expect(unit.unit.length).toBe(parse.length);
    expect(unit.awaitsReady).toBe(false);
    expect(takeUnit(unit.rest)).toBeNull();
  });

  it('stops at Flush (answered, no ReadyForQuery) and before Terminate', () => {
    const flush = takeUnit(Buffer.concat([msg('E'), msg('H'), SYNC]))!;
    expect(flush.awaitsReady).toBe(false);
    expect(flush.rest.length).toBe(5);
    const beforeTerminate = takeUnit(Buffer.concat([simpleQuery('select 1').subarray(0), msg('X')]))!;
    expect(beforeTerminate.rest[0]).toBe('X'.charCodeAt(0));
    expect(takeUnit(beforeTerminate.rest)).toBeNull();
  });
});

describe('ReplyTracker', () => {
  it('finds a trailing idle ReadyForQuery however the stream is chunked', () => {
    const stream = Buffer.concat([msg('1'), msg('D', 'abcdef'), msg('C', 'SELECT 1\0'), msg('Z', 'I')]);
    for (let size = 1; size <= stream.length; size++) {
      const tracker = new ReplyTracker();
      for (let i = 0; i < stream.length; i += size) tracker.feed(stream.subarray(i, i + size));
      expect(tracker.endedIdle).toBe(true);
    }
  });

  it('is not idle inside a transaction, mid-message, or when ReadyForQuery is not last', () => {
    const inTx = new ReplyTracker();
    inTx.feed(msg('Z', 'T'));
    expect(inTx.endedIdle).toBe(false);
    const partial = new ReplyTracker();
    partial.feed(Buffer.concat([msg('Z', 'I'), msg('D', 'abc').subarray(0, 4)]));
    expect(partial.endedIdle).toBe(false);
    const copy = new ReplyTracker();
    copy.feed(Buffer.concat([msg('Z', 'I'), msg('G', '\0\0\0')]));
    expect(copy.endedIdle).toBe(false);
  });
});
