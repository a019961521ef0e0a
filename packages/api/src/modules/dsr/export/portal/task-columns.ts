import type { Task } from '../../../../bitrix24/index.ts';
import type { Column } from '../category.ts';
import { id, idList, text } from '../cells.ts';

/** A task and the subject's part in it, as tasks.csv and task-participation.csv write it. */
export interface TaskRow {
  task: Task;
  role: string;
}

/** Fields both task files read; tasks.csv adds DESCRIPTION. */
export const TASK_SELECT = [
  'ID',
  'TITLE',
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

/** The columns after the text ones, alike in both task files. */
export const TASK_DETAIL_COLUMNS: readonly Column<TaskRow>[] = [
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
];
