import type { Task, User } from '../../state/types.ts';
import { formatDateTime } from '../envelope.ts';
import { matchesFilter, parseFilter, sortBy } from '../filter.ts';
import type { MethodDef } from '../registry.ts';

/** camelCase fields with string ids, as tasks.task.list answers (api-reference/tasks/tasks-task-list.md). */
function taskView(t: Task): Record<string, unknown> {
  return {
    id: String(t.id),
    title: t.title,
    description: t.description,
    deadline: t.deadline ? formatDateTime(t.deadline) : null,
    createdDate: formatDateTime(t.createdDate),
    changedDate: formatDateTime(t.changedDate),
    createdBy: String(t.createdBy),
    responsibleId: String(t.responsibleId),
    status: String(t.status),
    groupId: String(t.groupId),
    auditors: t.auditors.map(String),
    accomplices: t.accomplices.map(String),
  };
}

function filterValue(t: Task, field: string): string | number | number[] | null | undefined {
  switch (field) {
    case 'ID':
      return t.id;
    case 'TITLE':
      return t.title;
    case 'RESPONSIBLE_ID':
      return t.responsibleId;
    case 'CREATED_BY':
      return t.createdBy;
    case 'GROUP_ID':
      return t.groupId;
    case 'REAL_STATUS':
    case 'STATUS':
      return t.status;
    case 'AUDITOR':
      return t.auditors;
    case 'ACCOMPLICE':
      return t.accomplices;
    case 'CREATED_DATE':
      return t.createdDate;
    case 'CHANGED_DATE':
      return t.changedDate;
    case 'DEADLINE':
      return t.deadline;
    default:
      return undefined;
  }
}

/** Administrators see every task; others the tasks they take part in (tasks-task-list.md). */
export function canSeeTask(user: User, t: Task): boolean {
  const id = user.ID;
  return (
    user.isAdmin ||
    t.createdBy === id ||
    t.responsibleId === id ||
    t.auditors.includes(id) ||
    t.accomplices.includes(id)
  );
}

export const taskMethods: MethodDef[] = [
  {
    name: 'tasks.task.list',
    handler: (ctx) => {
      const conds = parseFilter(ctx.params.obj('filter'));
      const order = ctx.params.obj('order');
      const [field, dir] = order ? (Object.entries(order)[0] ?? ['ID', 'desc']) : ['ID', 'desc'];
      let tasks = [...ctx.portal.state.tasks.values()].filter(
        (t) => canSeeTask(ctx.caller, t) && matchesFilter(t, conds, filterValue),
      );
      tasks = sortBy(
        tasks,
        (t) => {
          const v = filterValue(t, field.toUpperCase()) ?? t.id;
          return Array.isArray(v) ? (v[0] ?? null) : v;
        },
        String(dir).toUpperCase() === 'ASC' ? 'ASC' : 'DESC',
      );
      const start = ctx.params.int('start');
      const rows =
        start === -1
          ? tasks.slice(0, 50)
          : tasks.slice(Math.max(start ?? 0, 0), Math.max(start ?? 0, 0) + 50);
      if (start === -1) return { result: { tasks: rows.map(taskView) }, total: 0 };
      const offset = Math.max(start ?? 0, 0);
      return {
        result: { tasks: rows.map(taskView) },
        total: tasks.length,
        next: offset + 50 < tasks.length ? offset + 50 : undefined,
      };
    },
  },
];
