import { lists, readBatchedKeyset, type Task } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, idList, text } from '../cells.ts';

interface TaskRow {
  task: Task;
  role: string;
}

const SELECT = [
  'ID',
  'TITLE',
  'DESCRIPTION',
  'STATUS',
  'CREATED_BY',
  'RESPONSIBLE_ID',
  'CREATED_DATE',
  'CHANGED_DATE',
  'DEADLINE',
  'GROUP_ID',
  'AUDITORS',
  'ACCOMPLICES',
];

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
    {
      name: 'status',
      about: 'Status number: 2 waiting, 3 in progress, 4 awaiting control, 5 completed, 6 deferred.',
      value: (r) => id(r.task.status),
    },
    {
      name: 'created_by',
      about: 'User number of the person who created the task.',
      value: (r) => id(r.task.createdBy),
    },
    {
      name: 'responsible_id',
      about: 'User number of the person responsible.',
      value: (r) => id(r.task.responsibleId),
    },
    {
      name: 'created_at',
      about: 'When the task was created (ISO 8601).',
      value: (r) => text(r.task.createdDate),
    },
    {
      name: 'changed_at',
      about: 'When the task last changed (ISO 8601).',
      value: (r) => text(r.task.changedDate),
    },
    { name: 'deadline', about: 'Deadline (ISO 8601), empty when none.', value: (r) => text(r.task.deadline) },
    {
      name: 'group_id',
      about: 'Number of the workgroup the task belongs to; 0 for none.',
      value: (r) => id(r.task.groupId),
    },
    {
      name: 'auditor_ids',
      about: 'User numbers of the task\'s observers, separated by "; ".',
      value: (r) => idList(r.task.auditors),
    },
    {
      name: 'participant_ids',
      about: 'User numbers of the task\'s participants, separated by "; ".',
      value: (r) => idList(r.task.accomplices),
    },
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
