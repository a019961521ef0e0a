import { MeDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.ts';
import { normaliseApiUrl } from '../../src/api/http-url.ts';
import { errorFromData, errorFromMember } from '../../src/api/outcome.ts';

describe('error members of result unions', () => {
  it('maps each expected failure to its outcome kind', () => {
    expect(
      errorFromMember({ __typename: 'PolicyRefusedError', rule: 'NO_ERASE_RIGHT', message: 'No.' }),
    ).toEqual({
      kind: 'refused',
      rule: 'NO_ERASE_RIGHT',
      message: 'No.',
    });
    expect(errorFromMember({ __typename: 'RateLimitedError', message: 'Wait.' })).toEqual({
      kind: 'refused',
      rule: 'rateLimited',
      message: 'Wait.',
    });
    expect(errorFromMember({ __typename: 'InvalidInputError', field: 'login', message: 'Bad.' })).toEqual({
      kind: 'invalid',
      field: 'login',
      message: 'Bad.',
    });
    expect(errorFromMember({ __typename: 'NotFoundError', message: 'Gone.' })).toEqual({
      kind: 'notFound',
      message: 'Gone.',
    });
    // A member the document did not spell out still fails, named by its type.
    expect(errorFromMember({ __typename: 'SomeNewError' })).toEqual({
      kind: 'unknown',
      message: 'SomeNewError',
    });
    expect(errorFromMember({ __typename: 'DataSubjectRequest', id: '1' })).toBeNull();
    expect(
      errorFromData({ me: { userId: 1 }, other: { __typename: 'NotFoundError', message: 'x' } }),
    ).toMatchObject({
      kind: 'notFound',
    });
  });
});

describe('transport failures', () => {
  const client = (fetch: typeof globalThis.fetch, apiUrl: string | null = 'https://api.example.com') =>
    createApiClient({ apiUrl: async () => apiUrl, token: async () => 't', fetch });

  it('calls a proxy error page `network`, a 401 `auth`, and no address `auth`', async () => {
    const proxy = client(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(await proxy.execute(MeDocument, {})).toMatchObject({ ok: false, error: { kind: 'network' } });
    const unauthorised = client(async () => new Response('{}', { status: 401 }));
    expect(await unauthorised.execute(MeDocument, {})).toMatchObject({ ok: false, error: { kind: 'auth' } });
    const unset = client(async () => new Response('{}'), null);
    expect(await unset.execute(MeDocument, {})).toMatchObject({ ok: false, error: { kind: 'auth' } });
  });

  it('sends the bearer token and the CSRF header to {apiUrl}/graphql', async () => {
    let seen: Request | undefined;
    const ok = client(async (input, init) => {
      seen = new Request(input, init);
      return Response.json({ data: { me: { userId: 1, roles: [], tokenId: 'x', user: null } } });
    });
    expect(await ok.execute(MeDocument, {})).toMatchObject({ ok: true, value: { me: { userId: 1 } } });
    expect(seen?.url).toBe('https://api.example.com/graphql');
    expect(seen?.headers.get('authorization')).toBe('Bearer t');
    expect(seen?.headers.get('x-graphql-yoga-csrf')).toBe('1');
  });

  it('stores only http(s) API addresses, without a trailing slash', () => {
    expect(normaliseApiUrl(' https://gdpr.example.com/ ')).toBe('https://gdpr.example.com');
    expect(normaliseApiUrl('http://127.0.0.1:4000/api/')).toBe('http://127.0.0.1:4000/api');
    expect(normaliseApiUrl('javascript:alert(1)')).toBeNull();
    expect(normaliseApiUrl('gdpr.example.com')).toBeNull();
  });
});
