/**
 * Record and parameter shapes of the REST methods in `methods.ts`, from the official docs
 * (`bitrix24/b24restdocs`, `api-reference/…`). IDs the docs show as strings stay strings;
 * params accept numbers or strings. Records keep an index signature because portals add
 * custom (`UF_*`) fields.
 */

export type YN = 'Y' | 'N';
export type Id = number | string;
export type FilterValue = string | number | boolean | null | ReadonlyArray<string | number>;
/** Keys may carry a Bitrix prefix: `>ID`, `>=DATE_REGISTER`, `%NAME`, `@ID`, `!ACTIVE`, … */
export type Filter = Record<string, FilterValue>;
export type SortDirection = 'ASC' | 'DESC' | 'asc' | 'desc';

// --- users (api-reference/user/*) ---------------------------------------------------------

/** `profile` (common/users/profile.md): the caller's id and whether they administer the portal. */
export interface B24Profile {
  ID: string | number;
  ADMIN: boolean;
  NAME?: string;
  LAST_NAME?: string;
  PERSONAL_GENDER?: string;
  TIME_ZONE?: string;
}

/**
 * `app.info` with an application's token (common/system/app-info.md; rest_provider.php `appInfo`): the
 * calling application. A local application's CODE is its client id (rest/lib/app.php
 * AppTable::onAfterAdd); a Market application's CODE is its Market code.
 */
export interface B24AppInfo {
  ID: number | string;
  CODE: string;
  VERSION?: number | string;
  STATUS?: string;
  INSTALLED?: boolean;
}

export interface B24User {
  ID: string;
  /** A boolean in `user.get`; some portals and `user.update` use `Y`/`N` (see `isUserActive`). */
  ACTIVE: boolean | YN;
  XML_ID?: string | null;
  NAME?: string;
  LAST_NAME?: string;
  SECOND_NAME?: string;
  EMAIL?: string;
  LAST_LOGIN?: string;
  DATE_REGISTER?: string;
  TIME_ZONE?: string;
  IS_ONLINE?: YN;
  TIMESTAMP_X?: unknown;
  LAST_ACTIVITY_DATE?: unknown;
  PERSONAL_GENDER?: string;
  PERSONAL_BIRTHDAY?: string;
  PERSONAL_PHOTO?: string;
  PERSONAL_PHONE?: string;
  PERSONAL_MOBILE?: string;
  PERSONAL_STREET?: string;
  PERSONAL_CITY?: string;
  WORK_PHONE?: string;
  WORK_POSITION?: string;
  WORK_COMPANY?: string;
  UF_DEPARTMENT?: number[];
  UF_EMPLOYMENT_DATE?: string;
  UF_PHONE_INNER?: string;
  UF_SKYPE?: string;
  USER_TYPE?: 'employee' | 'extranet' | 'email' | (string & {});
  [field: string]: unknown;
}

export function isUserActive(user: Pick<B24User, 'ACTIVE'>): boolean {
  return user.ACTIVE === true || user.ACTIVE === 'Y';
}

export type UserFilter = Filter;

export interface UserGetParams {
  FILTER?: UserFilter;
  /** Field to sort by (`ID` by default). */
  sort?: string;
  order?: SortDirection;
  ADMIN_MODE?: boolean;
  select?: string[];
  IMAGE_RESIZE?: 'small' | 'medium' | 'large';
  /** `(page - 1) * 50`, or -1 to skip counting (keyset mode, `huge-data.md`). */
  start?: number;
}

/** `FIND` searches every name field and cannot be combined with other keys. */
export type UserSearchParams = UserGetParams;

type PrefixedFields = Partial<Record<`PERSONAL_${string}` | `WORK_${string}` | `UF_${string}`, unknown>>;

export interface UserUpdateParams extends PrefixedFields {
  ID: Id;
  /** `N` dismisses the employee (there is no REST method to delete a user). */
  ACTIVE?: YN;
  EMAIL?: string;
  NAME?: string;
  LAST_NAME?: string;
  SECOND_NAME?: string;
  XML_ID?: string;
}

// --- chat and notifications (api-reference/chats/*) ---------------------------------------

export interface NotifyParams {
  USER_ID: Id;
  MESSAGE: string;
  MESSAGE_OUT?: string;
  /** With a webhook, `TAG`/`SUB_TAG` need `CLIENT_ID` as well. */
  TAG?: string;
  SUB_TAG?: string;
  ATTACH?: unknown;
  CLIENT_ID?: string;
}

export interface ImMessageAddParams {
  /** `chatN`, `sgN`, or a user id for a private chat. */
  DIALOG_ID: string;
  MESSAGE?: string;
  ATTACH?: unknown;
  KEYBOARD?: unknown;
  MENU?: unknown;
  SYSTEM?: YN;
  URL_PREVIEW?: YN;
  REPLY_ID?: Id;
}

export interface ImMessageUpdateParams {
  MESSAGE_ID: Id;
  /** An empty string deletes the message. */
  MESSAGE?: string;
  ATTACH?: unknown;
  KEYBOARD?: unknown;
  MENU?: unknown;
  URL_PREVIEW?: YN;
  IS_EDITED?: YN;
}

export interface ImMessage {
  id: number;
  chat_id: number;
  author_id: number;
  date: string;
  text: string;
  unread?: boolean;
  uuid?: string | null;
  replaces?: unknown[];
  params: Record<string, unknown> | unknown[];
  disappearing_date?: string | null;
  [field: string]: unknown;
}

export interface ImUser {
  id: number;
  active: boolean;
  name: string;
  first_name?: string;
  last_name?: string;
  work_position?: string;
  email?: string;
  [field: string]: unknown;
}

/** im.chat.add (api-reference/chats/im-chat-add.md); answers the chat id. */
export interface ImChatAddParams {
  /** Members besides the creator, who joins as owner. */
  USERS?: Id[];
  /** 'CHAT' (closed, the default) or 'OPEN'. */
  TYPE?: 'CHAT' | 'OPEN';
  TITLE?: string;
  DESCRIPTION?: string;
  MESSAGE?: string;
  /** A pair im.chat.get finds the chat by again. */
  ENTITY_TYPE?: string;
  ENTITY_ID?: string;
}

export interface ImDialogMessagesGetParams {
  DIALOG_ID: string;
  /** Older than this id. */
  LAST_ID?: Id;
  /** Newer than this id. */
  FIRST_ID?: Id;
  /** Default 20, at most 50. */
  LIMIT?: number;
}

export interface ImDialogMessages {
  chat_id: number;
  messages: ImMessage[];
  users: ImUser[];
  [field: string]: unknown;
}

export interface ImRecentListParams {
  SKIP_OPENLINES?: YN;
  SKIP_DIALOG?: YN;
  SKIP_CHAT?: YN;
  LAST_MESSAGE_DATE?: string;
  UNREAD_ONLY?: YN;
  PARSE_TEXT?: YN;
  GET_ORIGINAL_TEXT?: YN;
  OFFSET?: number;
  /** Default 50, at most 200. */
  LIMIT?: number;
}

export interface ImRecentItem {
  /** A user id for private chats, `chatN` for group chats. */
  id: number | string;
  chat_id: number;
  type: 'user' | 'chat' | (string & {});
  title: string;
  message?: { id: number; text: string; author_id: number; date: string; [field: string]: unknown };
  user?: ImUser;
  /** Group chats only; `entity_type` `TASKS_TASK` and `entity_id` the task id for a task's chat. */
  chat?: { id?: number; entity_type?: string; entity_id?: string | number; [field: string]: unknown };
  date_update?: string;
  [field: string]: unknown;
}

export interface ImRecentList {
  items: ImRecentItem[];
  hasMorePages?: boolean;
  hasMore: boolean;
  [field: string]: unknown;
}

// --- Live Feed (api-reference/log/*) ------------------------------------------------------

export interface BlogPost {
  ID: string;
  BLOG_ID: string;
  PUBLISH_STATUS: string;
  TITLE: string;
  AUTHOR_ID: string;
  ENABLE_COMMENTS: YN;
  NUM_COMMENTS: string;
  MICRO: YN;
  DETAIL_TEXT: string;
  DATE_PUBLISH: string;
  CATEGORY_ID?: string | null;
  UF_BLOG_POST_FILE?: unknown;
  FILES?: unknown;
  [field: string]: unknown;
}

export interface BlogPostGetParams {
  POST_ID?: Id;
  /** `SG<X>`, `U<X>`, `UA`, `DR<X>`. */
  LOG_RIGHTS?: string[];
  LOG_DATE_FROM?: string;
  LOG_DATE_TO?: string;
  FIRST_ID?: Id;
  LAST_ID?: Id;
  /** Cursor-mode page size, at most 200. */
  LIMIT?: number;
  start?: number;
}

export interface BlogPostWriteFields {
  POST_MESSAGE?: string;
  POST_TITLE?: string;
  /** `U1`, `SG3`, `DR2`, `UA`. */
  DEST?: string[];
  FILES?: unknown;
  IMPORTANT?: YN;
  IMPORTANT_DATE_END?: string;
  USER_ID?: Id;
  [field: `UF_${string}`]: unknown;
}

export interface BlogComment {
  id: number;
  comment_id?: number;
  log_id: number;
  date: string;
  text: string;
  attach?: number[];
  [field: string]: unknown;
}

// --- other places personal data lives -----------------------------------------------------

export interface Task {
  id: string;
  title?: string;
  description?: string;
  createdBy?: string;
  responsibleId?: string;
  createdDate?: string;
  status?: string;
  [field: string]: unknown;
}

export interface TaskListParams {
  order?: Record<string, SortDirection>;
  filter?: Filter;
  select?: string[];
  params?: Record<string, unknown>;
  start?: number;
}

export interface CalendarEvent {
  ID: string;
  CAL_TYPE: string;
  OWNER_ID: string;
  CREATED_BY: string;
  NAME: string;
  DESCRIPTION?: string;
  DATE_FROM: string;
  DATE_TO: string;
  [field: string]: unknown;
}

export interface CalendarEventGetParams {
  type: 'user' | 'group' | 'company_calendar';
  /** 0 for the company calendar. */
  ownerId: Id;
  from?: string;
  to?: string;
  section?: Id[];
}

export interface DiskStorage {
  ID: string;
  NAME: string;
  CODE: string | null;
  MODULE_ID: string;
  ENTITY_TYPE: 'user' | 'common' | 'group' | (string & {});
  ENTITY_ID: string;
  ROOT_OBJECT_ID: string;
  [field: string]: unknown;
}

// --- events (api-reference/events/*, chat-bots-v2/im.v2/events/*) -------------------------

export interface EventBindParams {
  event: string;
  handler: string;
  auth_type?: Id;
  event_type?: 'online' | 'offline';
  auth_connector?: string;
  options?: Record<string, unknown>;
}

export interface EventHandler {
  event: string;
  handler: string;
  auth_type: string;
  offline: number;
  [field: string]: unknown;
}

export interface ImV2Event {
  eventId: number;
  /** `ONIMV2MESSAGEADD`, `ONIMV2MESSAGEUPDATE`, `ONIMV2MESSAGEDELETE`, … */
  type: string;
  date: string;
  data: Record<string, unknown>;
}
