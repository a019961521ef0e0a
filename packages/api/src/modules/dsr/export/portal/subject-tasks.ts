import { type Bitrix24Client, lists, readBatchedKeyset, type Task } from '../../../../bitrix24/index.ts';

/** The role filters of tasks.task.list (tasks-task-list.md), in the order a task is counted under. */
const ROLES = ['CREATED_BY', 'RESPONSIBLE_ID', 'AUDITOR', 'ACCOMPLICE'] as const;

const SELECT = ['ID', 'CREATED_BY', 'RESPONSIBLE_ID', 'AUDITORS', 'ACCOMPLICES'];

function hasRole(task: Task, role: (typeof ROLES)[number], subject: number): boolean {
  const is = (value: unknown) => String(value) === String(subject);
  switch (role) {
    case 'CREATED_BY':
      return is(task.createdBy);
    case 'RESPONSIBLE_ID':
      return is(task.responsibleId);
    case 'AUDITOR':
      return Array.isArray(task.auditors) && task.auditors.some(is);
    case 'ACCOMPLICE':
      return Array.isArray(task.accomplices) && task.accomplices.some(is);
  }
}

/**
 * Pages of the tasks the subject takes part in (creator, responsible, observer, participant), each task
 * once: a read per role, a task skipped when an earlier role already had it, decided from its own fields,
 * so no set of ids is kept. Read with the admin client, so it works without the subject's credentials.
 */
export async function* subjectTaskPages(
  portal: Bitrix24Client,
  subject: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Task[]> {
  for (const [i, role] of ROLES.entries()) {
    const earlier = ROLES.slice(0, i);
    const spec = lists.tasks({ filter: { [role]: subject }, select: SELECT });
    for await (const page of readBatchedKeyset(portal, spec, { signal })) {
      yield page.filter((task) => !earlier.some((r) => hasRole(task, r, subject)));
    }
  }
}
