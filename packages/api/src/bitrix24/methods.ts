/**
 * The REST methods the product uses: method name → params → result. Shapes live in
 * `shapes.ts`; anything not listed here goes through `Bitrix24Client.request()` untyped.
 */
import type {
  B24AppInfo,
  B24Profile,
  B24User,
  BlogComment,
  BlogPost,
  BlogPostGetParams,
  BlogPostWriteFields,
  CalendarEvent,
  CalendarEventGetParams,
  DiskStorage,
  EventBindParams,
  EventHandler,
  Filter,
  Id,
  ImChatAddParams,
  ImDialogMessages,
  ImDialogMessagesGetParams,
  ImMessageAddParams,
  ImMessageUpdateParams,
  ImRecentList,
  ImRecentListParams,
  ImV2Event,
  NotifyParams,
  SortDirection,
  Task,
  TaskListParams,
  UserGetParams,
  UserSearchParams,
  UserUpdateParams,
} from './shapes.ts';

// `{}`: nothing to pass, and `call(method)` may omit it.
type NoParams = Record<never, never>;

export interface Bitrix24Methods {
  'user.get': { params: UserGetParams; result: B24User[] };
  'user.search': { params: UserSearchParams; result: B24User[] };
  'user.current': { params: NoParams; result: B24User };
  'user.update': { params: UserUpdateParams; result: boolean };
  'user.fields': { params: NoParams; result: Record<string, string> };
  'user.admin': { params: NoParams; result: boolean };
  /** The caller, without any scope; `ADMIN` is for the caller only (common/users/profile.md). */
  profile: { params: NoParams; result: B24Profile };
  /** The calling application (an OAuth token only; a webhook gets ACCESS_DENIED). `ID` is its local id, the app page's `/marketplace/app/<ID>/` (common/system/app-info.md). */
  'app.info': { params: NoParams; result: B24AppInfo };
  /** Returns the notification id, or `false` when nothing was created. */
  'im.notify.system.add': { params: NotifyParams; result: number | false };
  'im.notify.personal.add': { params: NotifyParams; result: number | false };
  'im.message.add': { params: ImMessageAddParams; result: number };
  'im.message.update': { params: ImMessageUpdateParams; result: boolean };
  'im.message.delete': { params: { MESSAGE_ID: Id }; result: boolean };
  'im.chat.add': { params: ImChatAddParams; result: number };
  /** By the pair given to im.chat.add: `{ ID }`, or null when no chat has it. */
  'im.chat.get': { params: { ENTITY_TYPE: string; ENTITY_ID: string }; result: { ID: number } | null };
  /** The chat's member ids to a member; `[]` to anyone else (chat-users/im-chat-user-list.md). */
  'im.chat.user.list': { params: { CHAT_ID: Id }; result: number[] };
  'im.dialog.messages.get': { params: ImDialogMessagesGetParams; result: ImDialogMessages };
  'im.recent.list': { params: ImRecentListParams; result: ImRecentList };
  'log.blogpost.get': { params: BlogPostGetParams; result: BlogPost[] };
  'log.blogpost.add': { params: BlogPostWriteFields & { POST_MESSAGE: string }; result: number };
  'log.blogpost.update': { params: BlogPostWriteFields & { POST_ID: Id }; result: number };
  'log.blogpost.delete': { params: { POST_ID: Id }; result: boolean };
  'log.blogcomment.add': {
    params: { POST_ID: Id; TEXT: string; FILES?: unknown; USER_ID?: Id };
    result: number;
  };
  'log.blogcomment.delete': { params: { COMMENT_ID: Id; USER_ID?: Id }; result: boolean };
  'log.blogcomment.user.get': {
    params: { USER_ID?: Id; FIRST_ID?: Id; LAST_ID?: Id; LIMIT?: number };
    result: { comments: BlogComment[]; files?: Record<string, unknown> | unknown[] };
  };
  'tasks.task.list': { params: TaskListParams; result: { tasks: Task[] } };
  'calendar.event.get': { params: CalendarEventGetParams; result: CalendarEvent[] };
  'disk.storage.getlist': {
    params: { filter?: Filter; order?: Record<string, SortDirection>; start?: number };
    result: DiskStorage[];
  };
  'event.bind': { params: EventBindParams; result: boolean };
  'event.unbind': { params: Omit<EventBindParams, 'auth_connector' | 'options'>; result: { count: number } };
  'event.get': { params: NoParams; result: EventHandler[] };
  'im.v2.Event.subscribe': { params: NoParams; result: boolean };
  'im.v2.Event.get': {
    params: { offset?: number; limit?: number };
    result: { events: ImV2Event[]; nextOffset: number; hasMore: boolean };
  };
}

export type MethodName = keyof Bitrix24Methods;
export type ParamsOf<M extends MethodName> = Bitrix24Methods[M]['params'];
export type ResultOf<M extends MethodName> = Bitrix24Methods[M]['result'];

/** Lets a method's params be omitted when none are required. */
export type ParamsArg<M extends MethodName> =
  object extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>];
