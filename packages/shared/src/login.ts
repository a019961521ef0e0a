/** A sign-in login: a portal user id or a work e-mail. Shared so the extension refuses bad input before sending it. */
export type Login =
  | { kind: 'id'; userId: number; normalised: string }
  | { kind: 'email'; email: string; normalised: string };

export type LoginParseResult = { ok: true; login: Login } | { ok: false; message: string };

const EMAIL = /^[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;

export const LOGIN_HINT = 'Enter your portal user id (a number) or your work e-mail address.';

export function parseLogin(raw: string): LoginParseResult {
  const value = raw.trim();
  if (/^\d{1,10}$/.test(value)) {
    const userId = Number(value);
    if (userId >= 1 && userId <= 2_147_483_647)
      return { ok: true, login: { kind: 'id', userId, normalised: `id:${userId}` } };
  }
  if (EMAIL.test(value)) {
    const email = value.toLowerCase();
    return { ok: true, login: { kind: 'email', email, normalised: `email:${email}` } };
  }
  return { ok: false, message: LOGIN_HINT };
}

export const SIGN_IN_CODE = /^\d{6}$/;
