import { lists, readBatchedKeyset } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';
import { TASK_DETAIL_COLUMNS, TASK_SELECT, type TaskRow } from '../portal/task-columns.ts';

const SELECT = [...TASK_SELECT, 'DESCRIPTION'];

/**
 * Two keyset reads (2,500 tasks a request): tasks the subject created, then tasks they are responsible
 * for that they did not create. The second filter excludes the first's rows on the portal, so no task
 * comes twice and no set of ids has to be kept to de-duplicate.
 */
export const tasks = defineCategory<TaskRow>({
  name: 'tasks',
  title: 'Tasks you created or are responsible for',
  about: 'Tasks in which you are the creator or the person responsible, with their description.',
  source: 'portal',
  columns: [
    { name: 'task_id', about: 'Number of the task in Bitrix24.', value: (r) => id(r.task.id) },
    {
      name: 'your_role',
      about: 'creator, responsible, or both ("creator; responsible").',
      value: (r) => r.role,
    },
    { name: 'title', about: 'Title of the task.', value: (r) => text(r.task.title) },
    { name: 'description', about: 'Description of the task.', value: (r) => text(r.task.description) },
    ...TASK_DETAIL_COLUMNS,
  ],
  async *rows(ctx) {
    const { portal, subjectUserId: subject } = ctx.sources;
    const created = lists.tasks({ filter: { CREATED_BY: subject }, select: SELECT });
    for await (const page of readBatchedKeyset(portal, created, { signal: ctx.signal })) {
      for (const task of page) {
        const both = String(task.responsibleId) === String(subject);
        yield { task, role: both ? 'creator; responsible' : 'creator' };
      }
    }
    const responsible = lists.tasks({
      filter: { RESPONSIBLE_ID: subject, '!CREATED_BY': subject },
      select: SELECT,
    });
    for await (const page of readBatchedKeyset(portal, responsible, { signal: ctx.signal })) {
      for (const task of page) yield { task, role: 'responsible' };
    }
  },
});
