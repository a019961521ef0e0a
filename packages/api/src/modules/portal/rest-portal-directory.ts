import { type B24User, type Bitrix24Client, type Filter, isUserActive } from '../../bitrix24/index.ts';
import { parseLogin } from '../identity/login.ts';
import type { AdminCheck } from './admin-verifier.ts';
import type { PortalDirectory, PortalUserSummary, UserListQuery } from './portal-directory.ts';

const USER_TTL_MS = 60_000;

/** The portal directory over REST; user lookups are cached for a minute because every request resolves its caller. */
export class RestPortalDirectory implements PortalDirectory {
  readonly #client: Bitrix24Client;
  readonly #admins: AdminCheck;
  readonly #users = new Map<number, { user: PortalUserSummary | null; until: number }>();

  constructor(client: Bitrix24Client, admins: AdminCheck) {
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

  async listUsers(query: UserListQuery): Promise<{ users: PortalUserSummary[]; hasMore: boolean }> {
    const FILTER: Filter = { USER_TYPE: 'employee', '>ID': query.afterId ?? 0 };
    if (query.active != null) FILTER.ACTIVE = query.active;
    if (query.search?.trim()) FILTER.NAME_SEARCH = query.search.trim();
    // start=-1: no count, the fast path for keyset reading (huge-data.md); the portal answers 50 rows.
    const page = await this.#client.call('user.get', {
      FILTER,
      ADMIN_MODE: true,
      sort: 'ID',
      order: 'ASC',
      start: -1,
    });
    const users = page.map(toSummary).sort((a, b) => a.id - b.id);
    // A listed page is fresh portal data: remember it, so the per-user fields of that page (rights and
    // their decisions) read it from here instead of asking the portal once per user.
    const now = Date.now();
    for (const user of users) this.#users.set(user.id, { user, until: now + USER_TTL_MS });
    const limit = Math.min(query.limit, 50);
    return { users: users.slice(0, limit), hasMore: users.length > limit || page.length >= 50 };
  }

  async getUser(userId: number, now = Date.now()): Promise<PortalUserSummary | null> {
    const cached = this.#users.get(userId);
    if (cached && cached.until > now) return cached.user;
    const [match] = await this.#client.call('user.get', { FILTER: { ID: userId }, ADMIN_MODE: true });
    const user = match ? toSummary(match) : null;
    this.#users.set(userId, { user, until: now + USER_TTL_MS });
    return user;
  }

  async getUsers(userIds: readonly number[], now = Date.now()): Promise<Map<number, PortalUserSummary>> {
    const found = new Map<number, PortalUserSummary>();
    const missing: number[] = [];
    for (const id of new Set(userIds)) {
      const cached = this.#users.get(id);
      if (cached && cached.until > now) {
        if (cached.user) found.set(id, cached.user);
      } else missing.push(id);
    }
    // 50 ids per call: one portal page each.
    for (let i = 0; i < missing.length; i += 50) {
      const chunk = missing.slice(i, i + 50);
      const page = await this.#client.call('user.get', { FILTER: { '@ID': chunk }, ADMIN_MODE: true });
      const byId = new Map(page.map((u) => [Number(u.ID), toSummary(u)]));
      for (const id of chunk) {
        const user = byId.get(id) ?? null;
        this.#users.set(id, { user, until: now + USER_TTL_MS });
        if (user) found.set(id, user);
      }
    }
    return found;
  }

  isAdmin(userId: number): Promise<boolean> {
    return this.#admins.isAdmin(userId);
  }

  /** A cached "not an administrator" asked again before a refusal (where the check supports it). */
  recheckAdmin(userId: number): Promise<boolean> {
    return this.#admins.recheck ? this.#admins.recheck(userId) : Promise.resolve(false);
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
