// @vitest-environment node
import {
  MeDocument,
  RequestDataExportDocument,
  SignInDocument,
  UsersDocument,
} from '@b24-gdpr/shared/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundApi } from '../../src/background/api.ts';
import { getSession, requestSignInCode, signIn, signOut } from '../../src/background/auth.ts';
import { tokenItem } from '../../src/storage/items.ts';
import { type ApiStack, signInCodeFor, startApiStack } from './api-stack.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
}, 120_000);
afterAll(() => stack?.close());

const api = createBackgroundApi();

describe('the API client against the real API', () => {
  it('signs in with the code the portal sent, fills in user and roles, and signs out', async () => {
    const asked = await requestSignInCode(api, { apiUrl: `${stack.apiUrl}/`, login: '5' });
    expect(asked).toEqual({ ok: true, value: null });
    const code = await signInCodeFor(stack, 5);

    const session = await signIn(api, { login: '5', code });
    expect(session.ok && session.value).toMatchObject({
      apiUrl: stack.apiUrl,
      signedIn: true,
      user: { id: 5 },
      roles: ['EMPLOYEE'],
    });
    expect((await getSession()).user?.name).not.toBe('5');

    const token = (await tokenItem.getValue()) as string;
    const after = await signOut(api);
    expect(after).toMatchObject({ signedIn: false, user: null, roles: [] });
    // The token was revoked at the API, not only forgotten.
    expect((await stack.api.gql('{ me { userId } }', {}, { token })).errors?.[0]).toBeDefined();
  });

  it('maps a wrong code to `invalid` and a bad address to `invalid` on apiUrl', async () => {
    await requestSignInCode(api, { apiUrl: stack.apiUrl, login: '6' });
    const wrong = await api.execute(SignInDocument, { login: '6', code: '000000' }, { token: null });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'code' } });
    const bad = await requestSignInCode(api, { apiUrl: 'javascript:alert(1)', login: '6' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'apiUrl' } });
  });

  it('maps a policy refusal to `refused` with its rule, a missing role to `refused`, a dead token to `auth`', async () => {
    await tokenItem.setValue(await stack.api.tokenFor(7));
    const export6 = await api.execute(RequestDataExportDocument, { userId: 6 });
    expect(export6).toMatchObject({ ok: false, error: { kind: 'refused', rule: 'NOT_YOUR_DATA' } });

    // `users` is for admins and auditors: FORBIDDEN, but the token itself is fine.
    const users = await api.execute(UsersDocument, { first: 1 });
    expect(users).toMatchObject({ ok: false, error: { kind: 'refused' } });

    await tokenItem.setValue('not-a-token');
    expect(await api.execute(UsersDocument, { first: 1 })).toMatchObject({
      ok: false,
      error: { kind: 'auth' },
    });
    expect(await api.execute(MeDocument, {})).toMatchObject({ ok: false, error: { kind: 'auth' } });
  });

  it('maps an API that is down to `network`', async () => {
    await tokenItem.setValue(await stack.api.tokenFor(7));
    await stack.stopHttp();
    try {
      expect(await api.execute(MeDocument, {})).toMatchObject({ ok: false, error: { kind: 'network' } });
    } finally {
      await stack.startHttp();
    }
    expect(await api.execute(MeDocument, {})).toMatchObject({ ok: true, value: { me: { userId: 7 } } });
  });
});
