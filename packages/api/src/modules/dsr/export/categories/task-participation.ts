import { lists, readBatchedKeyset, type Task } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';
import { TASK_DETAIL_COLUMNS, TASK_SELECT, type TaskRow } from '../portal/task-columns.ts';

const has = (list: unknown, subject: number) =>
  Array.isArray(list) && list.some((v) => String(v) === String(subject));

/**
 * Tasks the subject observes (AUDITOR) or helps with (ACCOMPLICE), in two keyset reads. Tasks they created
 * or are responsible for are in tasks.csv and skipped here, as are, in the second read, those the first
 * had: decided from each task's own fields, so no set of ids is kept (tasks-task-list.md documents the
 * `!` prefix, not what it means for these list-valued fields, so the read does not rely on it).
 *
 * The subject's participation, not other people's text: the description is the creator's writing and is
 * left out; the title is kept, since the task is theirs to recognise by it and it says what they took
 * part in (a meeting or a hearing named after them is data about them).
 */
export const taskParticipation = defineCategory<TaskRow>({
  name: 'task-participation',
  title: 'Tasks you observe or help with',
  about:
    'Tasks created by others in which you are an observer or a participant, without their description ' +
    "(that is the creator's text; you can open the task in Bitrix24). Tasks you created or are " +
    'responsible for are in tasks.csv.',
  source: 'portal',
  columns: [
    { name: 'task_id', about: 'Number of the task in Bitrix24.', value: (r) => id(r.task.id) },
    {
      name: 'your_role',
      about: 'observer, participant, or both ("observer; participant").',
      value: (r) => r.role,
    },
    { name: 'title', about: 'Title of the task.', value: (r) => text(r.task.title) },
    ...TASK_DETAIL_COLUMNS,
  ],
  async *rows(ctx) {
    const { portal, subjectUserId: subject } = ctx.sources;
    const inTasksCsv = (task: Task) =>
      String(task.createdBy) === String(subject) || String(task.responsibleId) === String(subject);
    const observed = lists.tasks({ filter: { AUDITOR: subject }, select: TASK_SELECT });
    for await (const page of readBatchedKeyset(portal, observed, { signal: ctx.signal })) {
      for (const task of page) {
        if (inTasksCsv(task)) continue;
        const both = has(task.accomplices, subject);
        yield { task, role: both ? 'observer; participant' : 'observer' };
      }
    }
    const helping = lists.tasks({ filter: { ACCOMPLICE: subject }, select: TASK_SELECT });
    for await (const page of readBatchedKeyset(portal, helping, { signal: ctx.signal })) {
      for (const task of page) {
        if (inTasksCsv(task) || has(task.auditors, subject)) continue;
        yield { task, role: 'participant' };
      }
    }
  },
});
