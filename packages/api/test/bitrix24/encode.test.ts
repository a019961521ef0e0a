import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeParams, ref } from '../../src/bitrix24/index.ts';

/** PHP's parse_str, enough to check what the portal would read. */
function parse(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const [key = '', value = ''] = pair.split('=');
    out[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  return out;
}

describe('encodeParams', () => {
  it('writes nested keys the PHP way', () => {
    const query = encodeParams({
      FILTER: { '>ID': 5, '@ID': [1, 2], NAME_SEARCH: 'Anna & Bob' },
      select: ['ID', 'NAME'],
      order: { ID: 'ASC' },
    });
    expect(parse(query)).toEqual({
      'FILTER[>ID]': '5',
      'FILTER[@ID][0]': '1',
      'FILTER[@ID][1]': '2',
      'FILTER[NAME_SEARCH]': 'Anna & Bob',
      'select[0]': 'ID',
      'select[1]': 'NAME',
      'order[ID]': 'ASC',
    });
  });

  it('encodes booleans as 1/0, dates as ISO 8601, and leaves out empty values', () => {
    const query = encodeParams({
      ADMIN_MODE: true,
      halt: false,
      from: new Date('2024-01-02T03:04:05Z'),
      gone: undefined,
      none: null,
      empty: [],
      nothing: {},
    });
    expect(parse(query)).toEqual({ ADMIN_MODE: '1', halt: '0', from: '2024-01-02T03:04:05.000Z' });
  });

  it('keeps unicode and reserved characters intact', () => {
    expect(parse(encodeParams({ MESSAGE: 'Grüße [b]100%[/b] a=b&c?d #1 +' }))).toEqual({
      MESSAGE: 'Grüße [b]100%[/b] a=b&c?d #1 +',
    });
  });

  it('refuses what PHP cannot express', () => {
    expect(() => encodeParams({ n: Number.NaN })).toThrow(TypeError);
    expect(() => encodeParams({ f: () => 1 })).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeParams(cycle)).toThrow(TypeError);
  });
});

describe('encodeCommand', () => {
  it('is double-encoded inside a batch and survives two decodes', () => {
    const inner = encodeCommand('crm.lead.add', { fields: { TITLE: 'John&Martin' } });
    expect(inner).toBe('crm.lead.add?fields%5BTITLE%5D=John%26Martin');
    const outer = encodeParams({ cmd: { 0: inner } });
    // data-encoding.md: "%26 has turned into %2526".
    expect(outer).toBe('cmd%5B0%5D=crm.lead.add%3Ffields%255BTITLE%255D%3DJohn%2526Martin');
    const [method, query = ''] = (parse(outer)['cmd[0]'] ?? '').split('?');
    expect(method).toBe('crm.lead.add');
    expect(parse(query)).toEqual({ 'fields[TITLE]': 'John&Martin' });
  });

  it('carries $result references as values the portal resolves after decoding', () => {
    const command = encodeCommand('user.get', { FILTER: { '>ID': ref('p0', 49, 'ID') }, start: -1 });
    const query = command.split('?')[1] ?? '';
    expect(parse(query)).toEqual({ 'FILTER[>ID]': '$result[p0][49][ID]', start: '-1' });
  });

  it('omits the query for parameterless calls', () => {
    expect(encodeCommand('user.current', {})).toBe('user.current');
  });
});
