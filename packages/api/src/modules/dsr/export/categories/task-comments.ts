import { runRawBatch } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';
import { subjectTaskPages } from '../portal/subject-tasks.ts';

/** One task.commentitem.getlist answer row (task-comment-item-get-list.md). */
interface TaskCommentItem {
  ID: string;
  AUTHOR_ID: string;
  POST_DATE: string;
  POST_MESSAGE: string;
  ATTACHED_OBJECTS?: Record<string, { NAME?: string }> | unknown[];
}

interface CommentRow {
  taskId: string;
  comment: TaskCommentItem;
}

/** A batch's worth: one getlist per task. */
const TASKS_PER_BATCH = 50;

function fileNames(attached: TaskCommentItem['ATTACHED_OBJECTS']): string | null {
  if (!attached || Array.isArray(attached)) return null;
  const names = Object.values(attached).map((file) => file.NAME ?? '');
  return names.length > 0 ? names.join('; ') : null;
}

/**
 * The subject's comments in the old task card: task.commentitem.getlist (which has no paging and answers
 * a task's comments whole) filtered on AUTHOR_ID, for every task they take part in, 50 tasks a request.
 * The parameters go in the documented order (TASKID, ORDER, FILTER): the portal maps them by position.
 * In the new task card (tasks 25.700.0 on) comments are messages of the task's chat, which reach this
 * archive through chat-messages.csv, marked with the task, when the chat is among the subject's chats.
 */
export const taskComments = defineCategory<CommentRow>({
  name: 'task-comments',
  title: 'Task comments you wrote',
  about:
    'The comments you wrote in tasks you created, are responsible for, observe or help with, oldest first ' +
    "within each task. Other people's comments are not included. In the new task card, comments are " +
    'messages of the task chat and are in chat-messages.csv.',
  source: 'portal',
  columns: [
    { name: 'comment_id', about: 'Number of the comment in Bitrix24.', value: (r) => id(r.comment.ID) },
    {
      name: 'task_id',
      about: 'Number of the task (see tasks.csv and task-participation.csv).',
      value: (r) => id(r.taskId),
    },
    {
      name: 'written_at',
      about: 'When you wrote it (ISO 8601, with the time zone offset).',
      value: (r) => text(r.comment.POST_DATE),
    },
    {
      name: 'text',
      about: 'The text of the comment, with Bitrix24 formatting codes.',
      value: (r) => text(r.comment.POST_MESSAGE),
    },
    {
      name: 'file_names',
      about: 'Names of the files attached to it, separated by "; ".',
      value: (r) => fileNames(r.comment.ATTACHED_OBJECTS),
    },
  ],
  async *rows(ctx) {
    const { portal, subjectUserId: subject } = ctx.sources;
    const refused = new Refusals();
    for await (const page of subjectTaskPages(portal, subject, ctx.signal)) {
      for (let i = 0; i < page.length; i += TASKS_PER_BATCH) {
        const ids = page.slice(i, i + TASKS_PER_BATCH).map((task) => String(task.id));
        const answers = await runRawBatch(
          portal,
          ids.map((taskId) => ({
            key: `t${taskId}`,
            method: 'task.commentitem.getlist',
            params: { TASKID: taskId, ORDER: { ID: 'asc' }, FILTER: { AUTHOR_ID: subject } },
          })),
          { signal: ctx.signal },
        );
        for (const taskId of ids) {
          const answer = answers.get(`t${taskId}`);
          if (answer?.status === 'error') {
            refused.add(answer.error.code, taskId);
            continue;
          }
          if (answer?.status !== 'ok' || !Array.isArray(answer.result)) continue;
          for (const comment of answer.result as TaskCommentItem[]) {
            // The filter is the portal's; the check is ours, so another's comment never slips in.
            if (String(comment.AUTHOR_ID) === String(subject)) yield { taskId, comment };
          }
        }
      }
    }
    for (const { code, count, sample } of refused.entries()) {
      ctx.notAccessible({
        item: `${count} task(s), e.g. ${sample.join(', ')}`,
        code,
        reason: `The portal refused to list the comments of these tasks (${code}).`,
      });
    }
  },
});

/**
 * Refusals by error code, with a few task numbers each: a portal that answers every task alike (say,
 * one on the new task card) gives one entry, not one per task.
 */
class Refusals {
  readonly #byCode = new Map<string, { count: number; sample: string[] }>();

  add(code: string, taskId: string): void {
    const entry = this.#byCode.get(code) ?? { count: 0, sample: [] };
    entry.count += 1;
    if (entry.sample.length < 5) entry.sample.push(taskId);
    this.#byCode.set(code, entry);
  }

  entries() {
    return [...this.#byCode].map(([code, entry]) => ({ code, ...entry }));
  }
}
