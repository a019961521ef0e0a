import type { UserStringField } from './user-fields.ts';

export type UserType = 'employee' | 'extranet' | 'email';

/**
 * A portal user. Personal fields keep their Bitrix24 names so `user.get` can serialise them
 * without a mapping table; dates are stored as ISO strings ('' when empty).
 */
export type User = Record<UserStringField, string> & {
  ID: number;
  ACTIVE: boolean;
  IS_ONLINE: boolean;
  UF_DEPARTMENT: number[];
  USER_TYPE: UserType;
  /** Member of the administrators group (`user.admin` answers true). */
  isAdmin: boolean;
};

export interface Department {
  id: number;
  name: string;
  parentId: number | null;
  headId: number | null;
}

/** A Live Feed (blog) post. */
export interface Post {
  id: number;
  blogId: number;
  authorId: number;
  title: string;
  text: string;
  datePublish: string;
  publishStatus: 'P' | 'D';
  enableComments: boolean;
  micro: boolean;
  categoryIds: number[];
  /** Recipients as in `DEST`: `UA` (all), `U{id}`, `SG{id}`, `DR{id}`. */
  dest: string[];
  files: number[];
  /** Live Feed entry id; comments reference it as `log_id`. */
  logId: number;
}

export interface Comment {
  id: number;
  postId: number;
  logId: number;
  authorId: number;
  text: string;
  date: string;
  files: number[];
}

export type ChatType = 'private' | 'chat' | 'open';

export interface Chat {
  id: number;
  type: ChatType;
  title: string;
  ownerId: number;
  memberIds: number[];
  /** Message ids in ascending order (messages are created with increasing ids). */
  messageIds: number[];
  dateCreate: string;
  /**
   * What the chat belongs to, as im.recent.list's `chat.entity_type`/`entity_id` show it: a task's chat in
   * the new task card (tasks 25.700.0 on) is `TASKS_TASK` and the task id (tasks-new.md).
   */
  entity?: { type: string; id: string };
  /** im.chat.add's DESCRIPTION. */
  description?: string;
}

export interface Message {
  id: number;
  chatId: number;
  /** 0 for system messages. */
  authorId: number;
  text: string;
  date: string;
  params: Record<string, unknown>;
  system: boolean;
  replyId: number | null;
  edited: boolean;
  /** Deleted messages stay as a stub (empty text, `IS_DELETED: 'Y'`), as the messenger shows them. */
  deleted: boolean;
}

export interface Notification {
  id: number;
  userId: number;
  /** 0 for system notifications. */
  authorId: number;
  type: 'system' | 'personal';
  message: string;
  messageOut: string;
  tag: string;
  subTag: string;
  attach: unknown;
  date: string;
}

export interface Task {
  id: number;
  title: string;
  description: string;
  responsibleId: number;
  createdBy: number;
  createdDate: string;
  changedDate: string;
  deadline: string | null;
  status: number;
  groupId: number;
  auditors: number[];
  accomplices: number[];
}

/** A comment in a task's old card (`task.commentitem.*`); the new card's comments are chat messages. */
export interface TaskComment {
  id: number;
  taskId: number;
  authorId: number;
  text: string;
  date: string;
}

export interface CalendarEvent {
  id: number;
  type: 'user' | 'group' | 'company_calendar';
  ownerId: number;
  createdBy: number;
  name: string;
  description: string;
  dateFrom: string;
  dateTo: string;
  location: string;
  attendees: number[];
  /**
   * Invitees' answers by user id: Y accepted, N declined, Q not answered yet. Absent means accepted (what
   * the seeded demo meetings show); the host's is always H.
   */
  answers?: Record<number, 'Y' | 'N' | 'Q'>;
}

export interface Storage {
  id: number;
  name: string;
  code: string | null;
  entityType: 'user' | 'common' | 'group';
  entityId: string;
  rootObjectId: number;
}

export interface EventBinding {
  id: number;
  event: string;
  handler: string;
  /** User whose rights the handler's `auth` would carry; the webhook's user when bound by webhook. */
  authType: number;
  eventType: 'online' | 'offline';
  createdBy: number;
  /** The application that bound it (OAuth context); absent when bound through a webhook. */
  appId?: number;
}

export interface Delivery {
  id: number;
  bindingId: number;
  event: string;
  url: string;
  body: Record<string, string>;
  at: string;
  /** HTTP status of the handler, or null when the request failed. */
  status: number | null;
  error: string | null;
}

export interface Webhook {
  code: string;
  userId: number;
  createdAt: string;
  active: boolean;
}
