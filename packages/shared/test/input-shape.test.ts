import { describe, expect, it } from 'vitest';
import { findTextProblem, isPortalId, isPortalIdString, isUuid, textProblem } from '../src/input-shape.ts';

describe('text that can be stored', () => {
  it.each(['', 'plain', 'Grüße 😀', '\uD83D\uDE00', 'tab\tand\nnewline'])('accepts %j', (text) => {
    expect(textProblem(text)).toBeNull();
  });

  it.each([
    ['\u0000', /NUL/],
    ['a\u0000b', /NUL/],
    ['\uDC00', /surrogate/],
    ['\uD800', /surrogate/],
    ['x\uD800y', /surrogate/],
    ['\uDE00\uD83D', /surrogate/], // a pair in the wrong order is two lone halves
  ])('refuses %j', (text, reason) => {
    expect(textProblem(text)).toMatch(reason);
  });

  it('finds the first bad string in nested JSON, keys included, with its path', () => {
    expect(findTextProblem({ a: [1, 'ok', { b: 'x\u0000' }] }, 'metadata')).toEqual({
      path: 'metadata.a.2.b',
      problem: expect.stringMatching(/NUL/),
    });
    expect(findTextProblem({ '\uDC00': 1 }, 'metadata')?.path).toBe('metadata (a key)');
    expect(findTextProblem({ a: ['fine', 2, null, true] }, 'm')).toBeNull();
  });
});

describe('id shapes', () => {
  it('knows a UUID', () => {
    expect(isUuid('0194f3a2-0000-7000-8000-000000000000')).toBe(true);
    for (const bad of [
      'x',
      '',
      '0194f3a2-0000-7000-8000-00000000000',
      '0194f3a2-0000-7000-8000-00000000000g',
    ])
      expect(isUuid(bad)).toBe(false);
  });

  it('knows a portal id, as a number and as a string', () => {
    expect([1, 42, 2_147_483_647].every(isPortalId)).toBe(true);
    expect([0, -1, 1.5, 2_147_483_648, Number.NaN].some(isPortalId)).toBe(false);
    expect(['1', '2147483648', '999999999999999999'].every(isPortalIdString)).toBe(true);
    expect(['0', '01', '-1', '1e3', ' 1', '', '1000000000000000000'].some(isPortalIdString)).toBe(false);
  });
});
