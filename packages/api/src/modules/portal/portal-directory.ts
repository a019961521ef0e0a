/** The few facts about portal users that identity and policy need, whatever portal is behind them. */
export interface PortalUserSummary {
  id: number;
  name: string;
  lastName: string;
  email: string | null;
  active: boolean;
  userType: string;
}

export interface UserListQuery {
  /** Matches names and e-mail (the portal's NAME_SEARCH). */
  search?: string | null;
  active?: boolean | null;
  /** Keyset position: users with a larger id. */
  afterId?: number | null;
  /** At most 50: one portal page. */
  limit: number;
}

export interface PortalDirectory {
  /** Employees in id order, one portal request per page. */
  listUsers(query: UserListQuery): Promise<{ users: PortalUserSummary[]; hasMore: boolean }>;
  /** `login` is a portal user id or a work e-mail; null when no active employee matches. */
  findUserByLogin(login: string): Promise<PortalUserSummary | null>;
  getUser(userId: number): Promise<PortalUserSummary | null>;
  /** Many users at once (unknown ids are simply absent from the map). */
  getUsers(userIds: readonly number[]): Promise<Map<number, PortalUserSummary>>;
  /** Asked of the portal (cached briefly), never trusted from a token. */
  isAdmin(userId: number): Promise<boolean>;
  /**
   * Before a field for administrators is refused on a cached "no": the portal asked once more where the
   * mode allows it (application mode, rate-limited per user); false otherwise.
   */
  recheckAdmin?(userId: number): Promise<boolean>;
  /** Sends a system notification to one user. */
  notify(userId: number, message: string): Promise<void>;
  /** Drops cached answers about a user (all users when omitted), e.g. after this system changed them. */
  forget(userId?: number): void;
}
