import type {
  CalendarEvent,
  Chat,
  Comment,
  Delivery,
  Department,
  EventBinding,
  Message,
  Notification,
  Post,
  Storage,
  Task,
  TaskComment,
  User,
  Webhook,
} from './types.ts';

type Sequence =
  | 'user'
  | 'department'
  | 'post'
  | 'comment'
  | 'log'
  | 'chat'
  | 'message'
  | 'notification'
  | 'task'
  | 'taskComment'
  | 'calendarEvent'
  | 'storage'
  | 'eventBinding'
  | 'delivery'
  | 'imEvent';

/** One `im.v2` event in one subscriber's log; its payload shape lives in `events/im-v2.ts`. */
export interface ImEventRecord {
  id: number;
  type: string;
  userId: number;
  date: string;
  /** Epoch ms, for the 24-hour retention. */
  at: number;
  data: Record<string, unknown>;
}

/**
 * The whole in-memory portal. The object stays the same across `reset()` (tests may hold it);
 * only its contents are replaced.
 */
export class PortalState {
  name = 'Sandbox portal';
  users = new Map<number, User>();
  departments = new Map<number, Department>();
  posts = new Map<number, Post>();
  comments = new Map<number, Comment>();
  chats = new Map<number, Chat>();
  messages = new Map<number, Message>();
  notifications = new Map<number, Notification>();
  tasks = new Map<number, Task>();
  taskComments = new Map<number, TaskComment>();
  calendarEvents = new Map<number, CalendarEvent>();
  storages = new Map<number, Storage>();
  eventBindings = new Map<number, EventBinding>();
  deliveries: Delivery[] = [];
  /** Users subscribed to `im.v2` events (`im.v2.Event.subscribe`). */
  imSubscribers = new Set<number>();
  imEvents: ImEventRecord[] = [];
  /** Survives `clear()`: a webhook handed out before a reset keeps working after it. */
  webhooks = new Map<string, Webhook>();
  private seq = new Map<Sequence, number>();

  nextId(kind: Sequence): number {
    const next = (this.seq.get(kind) ?? 0) + 1;
    this.seq.set(kind, next);
    return next;
  }

  /**
   * Empties all content except webhooks and the event handlers applications bound (apps and their
   * tokens survive a reset too, so their handlers stay with them).
   */
  clear(): void {
    const appBindings = [...this.eventBindings.values()].filter((b) => b.appId !== undefined);
    const bindingSeq = this.seq.get('eventBinding') ?? 0;
    this.users.clear();
    this.departments.clear();
    this.posts.clear();
    this.comments.clear();
    this.chats.clear();
    this.messages.clear();
    this.notifications.clear();
    this.tasks.clear();
    this.taskComments.clear();
    this.calendarEvents.clear();
    this.storages.clear();
    this.eventBindings.clear();
    this.deliveries = [];
    this.imSubscribers.clear();
    this.imEvents = [];
    this.seq.clear();
    for (const b of appBindings) this.eventBindings.set(b.id, b);
    if (appBindings.length > 0) this.seq.set('eventBinding', bindingSeq);
  }

  user(id: number): User | undefined {
    return this.users.get(id);
  }

  /** Chat visible to a user: members only, whatever their rights (private chats included). */
  isChatMember(chat: Chat, userId: number): boolean {
    return chat.memberIds.includes(userId);
  }

  /** The private chat between two users, if one exists. */
  privateChat(a: number, b: number): Chat | undefined {
    for (const chat of this.chats.values()) {
      if (chat.type !== 'private') continue;
      const [x, y] = chat.memberIds;
      if ((x === a && y === b) || (x === b && y === a)) return chat;
    }
    return undefined;
  }
}
