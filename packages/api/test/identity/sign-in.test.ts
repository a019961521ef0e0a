import { DEMO_DISMISSED_IDS } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignInCode } from '../../src/modules/identity/sign-in-code.entity.ts';
import { SignInRequest } from '../../src/modules/identity/sign-in-request.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';

const REQUEST = `mutation ($login: String!) {
  requestSignInCode(login: $login) {
    __typename
    ... on SignInCodeRequested { message expiresInSeconds }
    ... on Error { message }
    ... on InvalidInputError { field }
    ... on RateLimitedError { retryAfterSeconds }
  }
}`;
const SIGN_IN = `mutation ($login: String!, $code: String!) {
  signIn(login: $login, code: $code) {
    __typename
    ... on IssuedToken { token apiToken { id userId kind } }
    ... on Error { message }
    ... on InvalidInputError { field }
  }
}`;
const ME = '{ me { userId roles } }';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  // Each test starts with no codes and no rate-limit history.
  const em = api.services.orm.em.fork();
  await em.nativeDelete(SignInCode, {});
  await em.nativeDelete(SignInRequest, {});
});

const notificationsOf = (userId: number) =>
  [...api.portal.state.notifications.values()].filter((n) => n.userId === userId);

const CODE_MESSAGE = /sign-in code is (\d{6})\b/;
const codeMessagesOf = (userId: number) =>
  notificationsOf(userId).filter((n) => CODE_MESSAGE.test(n.message));

/** Reads the code the way a user does: from their newest sign-in notification (the demo portal has others). */
async function codeSentTo(userId: number, previous = 0): Promise<string> {
  const message = await eventually(
    () => codeMessagesOf(userId).slice(previous).at(-1)?.message,
    `a code for user ${userId}`,
  );
  return CODE_MESSAGE.exec(message)![1]!;
}

describe('sign-in with a one-time code', () => {
  it('sends a code as a Bitrix24 notification and exchanges it for a working token', async () => {
    const requested = await api.gql(REQUEST, { login: '5' });
    expect(requested.data?.requestSignInCode).toMatchObject({
      __typename: 'SignInCodeRequested',
      expiresInSeconds: 600,
    });
    const code = await codeSentTo(5);
    const signedIn = await api.gql(SIGN_IN, { login: '5', code });
    const result = signedIn.data?.signIn;
    expect(result.__typename).toBe('IssuedToken');
    expect(result.apiToken).toMatchObject({ userId: 5, kind: 'USER' });
    const me = await api.gql(ME, {}, { token: result.token });
    expect(me.data?.me).toEqual({ userId: 5, roles: ['EMPLOYEE'] });
  });

  it('accepts the work e-mail as login, in any letter case', async () => {
    const email = api.portal.state.users.get(7)!.EMAIL;
    await api.gql(REQUEST, { login: email.toUpperCase() });
    const code = await codeSentTo(7);
    const result = (await api.gql(SIGN_IN, { login: email, code })).data?.signIn;
    expect(result.apiToken.userId).toBe(7);
  });

  it('answers unknown and dismissed logins exactly like real ones, and sends nothing', async () => {
    const before = api.portal.state.notifications.size;
    const real = await api.gql(REQUEST, { login: '6' });
    await codeSentTo(6);
    const unknown = await api.gql(REQUEST, { login: '999999' });
    const dismissed = await api.gql(REQUEST, { login: String(DEMO_DISMISSED_IDS[0]) });
    expect(unknown.data).toEqual(real.data);
    expect(dismissed.data).toEqual(real.data);
    // Give a stray delivery time to happen before asserting it did not.
    await new Promise((r) => setTimeout(r, 300));
    expect(api.portal.state.notifications.size).toBe(before + 1);
  });

  it('refuses a code used twice', async () => {
    await api.gql(REQUEST, { login: '8' });
    const code = await codeSentTo(8);
    expect((await api.gql(SIGN_IN, { login: '8', code })).data?.signIn.__typename).toBe('IssuedToken');
    expect((await api.gql(SIGN_IN, { login: '8', code })).data?.signIn.__typename).toBe(
      'InvalidSignInCodeError',
    );
  });

  it('burns the code after five wrong tries, so even the right code then fails', async () => {
    await api.gql(REQUEST, { login: '9' });
    const code = await codeSentTo(9);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await api.gql(SIGN_IN, { login: '9', code: wrong })).data?.signIn.__typename).toBe(
        'InvalidSignInCodeError',
      );
    }
    expect((await api.gql(SIGN_IN, { login: '9', code })).data?.signIn.__typename).toBe(
      'InvalidSignInCodeError',
    );
  });

  it('refuses an expired code', async () => {
    await api.gql(REQUEST, { login: '10' });
    const code = await codeSentTo(10);
    // Ten minutes pass.
    await api.services.orm.em
      .fork()
      .nativeUpdate(SignInCode, { userId: 10 }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await api.gql(SIGN_IN, { login: '10', code })).data?.signIn.__typename).toBe(
      'InvalidSignInCodeError',
    );
  });

  it('only the newest code works after a second request', async () => {
    await api.gql(REQUEST, { login: '12' });
    const first = await codeSentTo(12);
    await api.gql(REQUEST, { login: '12' });
    const second = await codeSentTo(12, 1);
    if (first !== second) {
      expect((await api.gql(SIGN_IN, { login: '12', code: first })).data?.signIn.__typename).toBe(
        'InvalidSignInCodeError',
      );
    }
    expect((await api.gql(SIGN_IN, { login: '12', code: second })).data?.signIn.__typename).toBe(
      'IssuedToken',
    );
  });

  it('rate-limits code requests per login, for unknown logins too', async () => {
    for (const login of ['13', '888888']) {
      for (let i = 0; i < 3; i++) {
        expect((await api.gql(REQUEST, { login })).data?.requestSignInCode.__typename).toBe(
          'SignInCodeRequested',
        );
      }
      const limited = (await api.gql(REQUEST, { login })).data?.requestSignInCode;
      expect(limited).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 900 });
    }
    await eventually(() => (codeMessagesOf(13).length === 3 ? true : undefined), 'three codes');
  });

  it('rate-limits code requests per IP address', async () => {
    const answers = [];
    for (let i = 0; i < 21; i++)
      answers.push(
        (await api.gql(REQUEST, { login: String(100_000 + i) })).data?.requestSignInCode.__typename,
      );
    expect(answers.slice(0, 20).every((t) => t === 'SignInCodeRequested')).toBe(true);
    expect(answers[20]).toBe('RateLimitedError');
  });

  it('refuses malformed input with a typed error and records nothing', async () => {
    const bad = (await api.gql(REQUEST, { login: '<b>anna</b>' })).data?.requestSignInCode;
    expect(bad).toMatchObject({ __typename: 'InvalidInputError', field: 'login' });
    const badCode = (await api.gql(SIGN_IN, { login: '5', code: '12ab' })).data?.signIn;
    expect(badCode).toMatchObject({ __typename: 'InvalidInputError', field: 'code' });
    expect(await api.services.orm.em.fork().count(SignInRequest, {})).toBe(0);
  });
});
