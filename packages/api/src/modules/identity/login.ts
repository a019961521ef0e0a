import { type Login, parseLogin as parse } from '@b24-gdpr/shared';
import { InvalidInputError } from '../../errors.ts';

export type { Login };

/** The shared parser, with its refusal turned into the API's typed error. */
export function parseLogin(raw: string): Login {
  const result = parse(raw);
  if (!result.ok) throw new InvalidInputError('login', result.message);
  return result.login;
}
