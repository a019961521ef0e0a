import {
  type Bitrix24Client,
  lists,
  MAX_BATCH_COMMANDS,
  readBatchedKeyset,
  runRawBatch,
  type Task,
} from '../../../bitrix24/index.ts';
import { taskCommentRef } from './categories.ts';
import type { PlanItem } from './plan.ts';

/** One row of `task.commentitem.getlist` (task-comment-item-get-list.md): string ids, ISO date. */
interface TaskCommentRow {
  ID: string;
  AUTHOR_ID: string;
  POST_DATE: string;
}

/**
 * The comments the subject wrote on tasks (the old task card's comments). The method lists one task's
 * comments at a time and has no author-wide query, so this lists every task the reader can see (an
 * administrator sees all) and asks each for the subject's comments, 50 tasks per request.
 */
export async function collectTaskComments(
  reader: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<{ items: PlanItem[]; unreadable: { task: number; error: string }[] }> {
  const options = signal ? { signal } : {};
  const taskIds: number[] = [];
  for await (const page of readBatchedKeyset<Task>(reader, lists.tasks({ select: ['ID'] }), options)) {
    for (const task of page) taskIds.push(Number(task.id));
  }
  const items: PlanItem[] = [];
  const unreadable: { task: number; error: string }[] = [];
  for (let i = 0; i < taskIds.length; i += MAX_BATCH_COMMANDS) {
    const chunk = taskIds.slice(i, i + MAX_BATCH_COMMANDS);
    const results = await runRawBatch(
      reader,
      chunk.map((taskId, n) => ({
        key: `t${n}`,
        method: 'task.commentitem.getlist',
        params: { TASKID: taskId, ORDER: { ID: 'asc' }, FILTER: { AUTHOR_ID: subjectUserId } },
      })),
      options,
    );
    chunk.forEach((taskId, n) => {
      const answer = results.get(`t${n}`);
      // A passing failure must not read as "no comments"; the run stops and resumes instead.
      if (answer?.status === 'error' && answer.error.retryable) throw answer.error;
      // Refused: the comments may be there, unseen; that is never "none" (the sweep names it).
      if (answer?.status === 'error' && (answer.error.kind === 'auth' || answer.error.kind === 'access')) {
        unreadable.push({ task: taskId, error: `${answer.error.code} ${answer.error.description}`.trim() });
        return;
      }
      // A task deleted between the two reads answers an error: it has no comments left to erase.
      if (answer?.status !== 'ok') return;
      for (const row of (answer.result as TaskCommentRow[] | null) ?? []) {
        if (Number(row.AUTHOR_ID) !== subjectUserId) continue;
        items.push({
          category: 'task-comment',
          portalId: taskCommentRef(taskId, row.ID),
          label: `Task comment #${row.ID} on task #${taskId} of ${row.POST_DATE}`,
        });
      }
    });
  }
  return { items, unreadable };
}
