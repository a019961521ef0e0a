import type { PortalState } from '../state/portal-state.ts';
import type {
  CalendarEvent,
  Chat,
  ChatType,
  Comment,
  Department,
  Message,
  Notification,
  Post,
  Storage,
  Task,
  TaskComment,
  User,
} from '../state/types.ts';
import { USER_STRING_FIELDS } from '../state/user-fields.ts';

/** An employee with every string field empty. */
export function blankUser(id: number): User {
  const strings = Object.fromEntries(USER_STRING_FIELDS.map((f) => [f, ''])) as Record<
    (typeof USER_STRING_FIELDS)[number],
    string
  >;
  return {
    ...strings,
    ID: id,
    ACTIVE: true,
    IS_ONLINE: false,
    UF_DEPARTMENT: [],
    USER_TYPE: 'employee',
    isAdmin: false,
  };
}

type Partial2<T> = { [K in keyof T]?: T[K] };

/**
 * Builders over the state, for the demo seed and for tests that need a particular portal
 * (a subject with 5,000 chat messages, 1,000+ users). They write state directly: no events,
 * no counters. Every created entity gets the next id of its kind.
 */
export class SeedHelpers {
  private readonly state: PortalState;
  /** Clock for created entities; the demo seed moves it to stay deterministic. */
  now: () => Date = () => new Date();

  constructor(state: PortalState) {
    this.state = state;
  }

  user(fields: Partial2<User> = {}): User {
    const id = fields.ID ?? this.state.nextId('user');
    const now = this.now().toISOString();
    const u: User = { ...blankUser(id), DATE_REGISTER: now, TIMESTAMP_X: now, ...fields, ID: id };
    this.state.users.set(id, u);
    return u;
  }

  /** `count` plain employees named `{prefix} {n}`, for volume tests. */
  users(count: number, fields: Partial2<User> = {}, prefix = 'User'): User[] {
    const out: User[] = [];
    for (let i = 0; i < count; i++) {
      const u = this.user({ ...fields });
      if (!fields.NAME) u.NAME = prefix;
      if (!fields.LAST_NAME) u.LAST_NAME = String(u.ID);
      if (!fields.EMAIL) u.EMAIL = `user${u.ID}@example.test`;
      out.push(u);
    }
    return out;
  }

  department(name: string, parentId: number | null = null, headId: number | null = null): Department {
    const d: Department = { id: this.state.nextId('department'), name, parentId, headId };
    this.state.departments.set(d.id, d);
    return d;
  }

  chat(memberIds: number[], options: { type?: ChatType; title?: string; ownerId?: number } = {}): Chat {
    const type = options.type ?? (memberIds.length === 2 && !options.title ? 'private' : 'chat');
    const c: Chat = {
      id: this.state.nextId('chat'),
      type,
      title: options.title ?? '',
      ownerId: options.ownerId ?? memberIds[0] ?? 0,
      memberIds: [...new Set(memberIds)],
      messageIds: [],
      dateCreate: this.now().toISOString(),
    };
    this.state.chats.set(c.id, c);
    return c;
  }

  /** The private chat of two users, created when missing. */
  privateChat(a: number, b: number): Chat {
    return this.state.privateChat(a, b) ?? this.chat([a, b], { type: 'private' });
  }

  message(chatId: number, authorId: number, text: string, extra: Partial2<Message> = {}): Message {
    const chat = this.state.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    const m: Message = {
      id: this.state.nextId('message'),
      chatId,
      authorId,
      text,
      date: this.now().toISOString(),
      params: {},
      system: authorId === 0,
      replyId: null,
      edited: false,
      deleted: false,
      ...extra,
    };
    this.state.messages.set(m.id, m);
    chat.messageIds.push(m.id);
    return m;
  }

  /**
   * `count` messages in a chat, authors taken in turn from `authorIds` (default: its members),
   * dated a minute apart ending now.
   */
  messages(
    chatId: number,
    count: number,
    options: { authorIds?: number[]; text?: (i: number) => string } = {},
  ): Message[] {
    const chat = this.state.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    const authors = options.authorIds ?? chat.memberIds;
    const end = this.now().getTime();
    const out: Message[] = [];
    for (let i = 0; i < count; i++) {
      const authorId = authors[i % authors.length] ?? 0;
      const date = new Date(end - (count - i) * 60_000).toISOString();
      out.push(this.message(chatId, authorId, options.text?.(i) ?? `Message ${i + 1}`, { date }));
    }
    return out;
  }

  post(authorId: number, text: string, extra: Partial2<Post> = {}): Post {
    const p: Post = {
      id: this.state.nextId('post'),
      blogId: authorId,
      authorId,
      title: '',
      text,
      datePublish: this.now().toISOString(),
      publishStatus: 'P',
      enableComments: true,
      micro: !extra.title,
      categoryIds: [],
      dest: ['UA'],
      files: [],
      logId: this.state.nextId('log'),
      ...extra,
    };
    this.state.posts.set(p.id, p);
    return p;
  }

  /**
   * `count` Live Feed posts by one author (`Post 1`…, or `text(i)`), dated a minute apart ending now,
   * so the feed shows the last one first. For paging and volume tests of the pages.
   */
  posts(
    authorId: number,
    count: number,
    options: { text?: (i: number) => string; title?: (i: number) => string; dest?: string[] } = {},
  ): Post[] {
    const end = this.now().getTime();
    const out: Post[] = [];
    for (let i = 0; i < count; i++) {
      const title = options.title?.(i) ?? '';
      out.push(
        this.post(authorId, options.text?.(i) ?? `Post ${i + 1}`, {
          title,
          micro: title === '',
          datePublish: new Date(end - (count - 1 - i) * 60_000).toISOString(),
          ...(options.dest ? { dest: [...options.dest] } : {}),
        }),
      );
    }
    return out;
  }

  comment(postId: number, authorId: number, text: string, extra: Partial2<Comment> = {}): Comment {
    const post = this.state.posts.get(postId);
    if (!post) throw new Error(`no post ${postId}`);
    const c: Comment = {
      id: this.state.nextId('comment'),
      postId,
      logId: post.logId,
      authorId,
      text,
      date: this.now().toISOString(),
      files: [],
      ...extra,
    };
    this.state.comments.set(c.id, c);
    return c;
  }

  notification(userId: number, message: string, extra: Partial2<Notification> = {}): Notification {
    const n: Notification = {
      id: this.state.nextId('notification'),
      userId,
      authorId: 0,
      type: 'system',
      message,
      messageOut: '',
      tag: '',
      subTag: '',
      attach: null,
      date: this.now().toISOString(),
      ...extra,
    };
    this.state.notifications.set(n.id, n);
    return n;
  }

  task(title: string, responsibleId: number, createdBy: number, extra: Partial2<Task> = {}): Task {
    const now = this.now().toISOString();
    const t: Task = {
      id: this.state.nextId('task'),
      title,
      description: '',
      responsibleId,
      createdBy,
      createdDate: now,
      changedDate: now,
      deadline: null,
      status: 2,
      groupId: 0,
      auditors: [],
      accomplices: [],
      ...extra,
    };
    this.state.tasks.set(t.id, t);
    return t;
  }

  taskComment(
    taskId: number,
    authorId: number,
    text: string,
    extra: Partial2<TaskComment> = {},
  ): TaskComment {
    const c: TaskComment = {
      id: this.state.nextId('taskComment'),
      taskId,
      authorId,
      text,
      date: this.now().toISOString(),
      ...extra,
    };
    this.state.taskComments.set(c.id, c);
    return c;
  }

  calendarEvent(ownerId: number, name: string, extra: Partial2<CalendarEvent> = {}): CalendarEvent {
    const from = this.now();
    const e: CalendarEvent = {
      id: this.state.nextId('calendarEvent'),
      type: 'user',
      ownerId,
      createdBy: ownerId,
      name,
      description: '',
      dateFrom: from.toISOString(),
      dateTo: new Date(from.getTime() + 3_600_000).toISOString(),
      location: '',
      attendees: [ownerId],
      ...extra,
    };
    this.state.calendarEvents.set(e.id, e);
    return e;
  }

  storage(entityType: Storage['entityType'], entityId: string, name: string): Storage {
    const s: Storage = {
      id: this.state.nextId('storage'),
      name,
      code: null,
      entityType,
      entityId,
      rootObjectId: 1000 + this.state.storages.size + 1,
    };
    this.state.storages.set(s.id, s);
    return s;
  }
}
