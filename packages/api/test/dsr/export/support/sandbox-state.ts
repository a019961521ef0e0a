import type { CalendarEvent, Chat, Comment, Message, Post, Task, TaskComment, User } from '@b24-gdpr/sandbox';

/**
 * The portal's state read through the sandbox's inspection API (`/_sandbox/state/…`), as an auditor
 * reads it: over HTTP, not through the export's code or its REST client.
 */
export function sandboxState(baseUrl: string) {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${baseUrl}/_sandbox/state/${path}`);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    user: (id: number) => get<User>(`users/${id}`),
    posts: (authorId: number) => get<Post[]>(`posts?authorId=${authorId}`),
    comments: (authorId: number) => get<Comment[]>(`comments?authorId=${authorId}`),
    chats: (userId: number) => get<Chat[]>(`chats?userId=${userId}`),
    messages: (authorId: number) => get<Message[]>(`messages?authorId=${authorId}`),
    tasks: () => get<Task[]>('tasks'),
    taskComments: () => get<TaskComment[]>('task-comments'),
    calendarEvents: () => get<CalendarEvent[]>('calendar-events'),
  };
}
