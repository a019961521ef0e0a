import { type B24User, type Bitrix24Client, type Filter, isUserActive } from '../../bitrix24/index.ts';
import { parseLogin } from '../identity/login.ts';
import type { AdminVerifier } from './admin-verifier.ts';
import type { PortalDirectory, PortalUserSummary } from './portal-directory.ts';

const USER_TTL_MS = 60_000;

/** The portal directory over REST; user lookups are cached for a minute because every request resolves its caller. */
export class RestPortalDirectory implements PortalDirectory {
  readonly #client: Bitrix24Client;
  readonly #admins: AdminVerifier;
  readonly #users = new Map<number, { user: PortalUserSummary | null; until: number }>();

  constructor(client: Bitrix24Client, admins: AdminVerifier) {
    this.#client = client;
    this.#admins = admins;
  }

  async findUserByLogin(login: string): Promise<PortalUserSummary | null> {
    const parsed = parseLogin(login);
    const FILTER: Filter =
      parsed.kind === 'id'
        ? { ID: parsed.userId, USER_TYPE: 'employee' }
        : { EMAIL: parsed.email, USER_TYPE: 'employee' };
    const users = await this.#client.call('user.get', { FILTER, ADMIN_MODE: true });
    // The portal's EMAIL filter is a plain match; insist on an exact, case-insensitive one.
    const match = users.find((u) =>
      parsed.kind === 'id' ? Number(u.ID) === parsed.userId : u.EMAIL?.toLowerCase() === parsed.email,
    );
    const user = match ? toSummary(match) : null;
    return user?.active ? user : null;
  }

  async getUser(userId: number, now = Date.now()): Promise<PortalUserSummary | null> {
    const cached = this.#users.get(userId);
    if (cached && cached.until > now) return cached.user;
    const [match] = await this.#client.call('user.get', { FILTER: { ID: userId }, ADMIN_MODE: true });
    const user = match ? toSummary(match) : null;
    this.#users.set(userId, { user, until: now + USER_TTL_MS });
    return user;
  }

  isAdmin(userId: number): Promise<boolean> {
    return this.#admins.isAdmin(userId);
  }

  async notify(userId: number, message: string): Promise<void> {
    await this.#client.call('im.notify.system.add', { USER_ID: userId, MESSAGE: message });
  }

  /** Drops cached answers, e.g. after this system changed a user in the portal. */
  forget(userId?: number): void {
    if (userId === undefined) this.#users.clear();
    else this.#users.delete(userId);
    this.#admins.forget(userId);
  }
}

function toSummary(user: B24User): PortalUserSummary {
  return {
    id: Number(user.ID),
    name: user.NAME ?? '',
    lastName: user.LAST_NAME ?? '',
    email: user.EMAIL || null,
    active: isUserActive(user),
    userType: user.USER_TYPE ?? 'employee',
  };
}
