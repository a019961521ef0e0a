import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/modules/audit/canonical-json.ts';

const samples: unknown[] = [
  null,
  true,
  0,
  -0,
  1e21,
  1e-7,
  0.1 + 0.2,
  Number('123456789012345680000'),
  'plain',
  'quote " backslash \\ control \u0001 \n line',
  'ünïcödé € 😀 \u2028',
  [],
  {},
  [1, 'a', null, [2, { b: 1, a: 2 }]],
  { b: 1, a: 2, '': 0, é: 3, e: 4, '\u{1F600}': 5, '\uFFFF': 6, A: 7, aa: 8, 10: 9, 2: 10 },
  { nested: { z: [3, 2, 1], y: { x: 'w' } }, skipped: undefined, date: new Date(0) },
  { numbers: [Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000001, Number('9007199254740993')] },
];

describe('canonical JSON (RFC 8785)', () => {
  it.each(samples.map((s) => [JSON.stringify(s) ?? String(s), s]))(
    '%s matches the canonicalize package',
    (_, sample) => {
      expect(canonicalJson(sample)).toBe(canonicalize(sample));
    },
  );

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
  });
});
