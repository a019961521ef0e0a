import { describe, expect, it } from 'vitest';
import { parseLogin } from '../src/login.ts';

describe('parseLogin', () => {
  it('accepts a user id and a work e-mail, normalised', () => {
    expect(parseLogin(' 12 ')).toEqual({ ok: true, login: { kind: 'id', userId: 12, normalised: 'id:12' } });
    expect(parseLogin('Anna.Berg@Example.COM')).toEqual({
      ok: true,
      login: { kind: 'email', email: 'anna.berg@example.com', normalised: 'email:anna.berg@example.com' },
    });
  });

  it.each(['', '0', '-1', '99999999999', 'anna', 'a@b', 'a b@c.de', '<script>@x.io'])(
    'refuses %j with a hint',
    (raw) => {
      const result = parseLogin(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/user id|e-mail/);
    },
  );
});
