import type { Task, TaskComment } from '../../state/types.ts';
import { formatDateTime } from '../envelope.ts';
import { methodError, type RestError } from '../errors.ts';
import { type FilterCondition, matchesFilter, parseFilter, sortBy } from '../filter.ts';
import { type ParamObject, toInt } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';
import { canSeeTask } from './tasks.ts';

/**
 * Comments of the old task card, api-reference/tasks/comment-item/task-comment-item-{add,update,get,
 * get-list,delete}.md, and their events (comment-item/events-comment/on-task-comment-*.md). Every error is
 * `ERROR_CORE` with the text the pages show, ending in `.<br>` as their example answers do.
 */
const core = (text: string): RestError => methodError('ERROR_CORE', `${text}.<br>`);
const E = 'TASKS_ERROR_EXCEPTION';
const notFound = () =>
  core(`${E}_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE`);
const notAllowed = () => core(`${E}_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED`);
const actionFailed = () => core(`${E}_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED`);
const noText = () => core('Comment text not specified');
const wrongTaskId = (method: string) =>
  core(
    `${E}_#256; Param #0 (taskId) for method ctaskcommentitem::${method}() expected to be of type "integer", but given something else.; 256/TE/WRONG_ARGUMENTS`,
  );
const missingItemId = (method: string) =>
  core(
    `${E}_#256; Param #1 (itemId) expected by method ctaskcommentitem::${method}(), but not given.; 256/TE/WRONG_ARGUMENTS`,
  );
const badKey = (method: string, param: string, key: string) =>
  core(
    `${E}_#256; ${param} for method ctaskcommentitem::${method}() must not contain key "${key}".; 256/TE/WRONG_ARGUMENTS`,
  );

/** getlist: ORDER and FILTER fields and filter prefixes the page lists. */
const ORDER_FIELDS = new Set(['ID', 'AUTHOR_ID', 'AUTHOR_NAME', 'AUTHOR_EMAIL', 'POST_DATE']);
const FILTER_FIELDS = new Set(['ID', 'AUTHOR_ID', 'AUTHOR_NAME', 'POST_DATE']);
const FILTER_OPS = new Set(['', '!', '<=', '<', '>=', '>']);

/**
 * "Pass parameters in the order of the table": the portal maps them by position, so a request with the
 * documented names in another order fails. `fail` is the error the page gives for that case.
 */
function checkOrder(ctx: MethodContext, names: string[], fail: () => RestError): void {
  const keys = Object.keys(ctx.params.raw).map((k) => k.toUpperCase());
  const positions = names.map((n) => keys.indexOf(n)).filter((i) => i !== -1);
  if (positions.some((p, i) => i > 0 && p < (positions[i - 1] ?? -1))) throw fail();
}

function taskOf(ctx: MethodContext, method: string): Task | undefined {
  const id = ctx.params.int('TASKID');
  if (id === undefined || id <= 0) throw wrongTaskId(method);
  return ctx.portal.state.tasks.get(id);
}

function itemIdOf(ctx: MethodContext, method: string): number {
  const id = ctx.params.int('ITEMID');
  if (id === undefined) throw missingItemId(method);
  return id;
}

/** The comment, when the task exists, the caller may read it and the comment belongs to it. */
function commentOf(ctx: MethodContext, task: Task | undefined, itemId: number): TaskComment | undefined {
  if (!task || !canSeeTask(ctx.caller, task)) return undefined;
  const c = ctx.portal.state.taskComments.get(itemId);
  return c?.taskId === task.id ? c : undefined;
}

/** The comment a get, update or delete names, after the checks every one of them makes first. */
function locate(ctx: MethodContext, method: string, order: string[], fail: () => RestError) {
  checkOrder(ctx, order, fail);
  const task = taskOf(ctx, method);
  return commentOf(ctx, task, itemIdOf(ctx, method));
}

function authorName(ctx: MethodContext, c: TaskComment): string {
  const u = ctx.portal.state.user(c.authorId);
  return u ? `${u.NAME} ${u.LAST_NAME}`.trim() : '';
}

/** As the get and getlist examples show it: string ids, ISO date; AUTHOR_EMAIL is '' there for employees. */
function commentView(ctx: MethodContext, c: TaskComment): Record<string, unknown> {
  return {
    POST_MESSAGE_HTML: null,
    ID: String(c.id),
    AUTHOR_ID: String(c.authorId),
    AUTHOR_NAME: authorName(ctx, c),
    AUTHOR_EMAIL: '',
    POST_DATE: formatDateTime(c.date),
    POST_MESSAGE: c.text,
    ATTACHED_OBJECTS: {},
  };
}

function fieldOf(ctx: MethodContext, c: TaskComment, field: string): string | number | undefined {
  switch (field) {
    case 'ID':
      return c.id;
    case 'AUTHOR_ID':
      return c.authorId;
    case 'AUTHOR_NAME':
      return authorName(ctx, c);
    case 'AUTHOR_EMAIL':
      return '';
    case 'POST_DATE':
      return Date.parse(c.date);
    default:
      return undefined;
  }
}

function filterOf(filter: ParamObject | undefined): FilterCondition[] {
  for (const key of Object.keys(filter ?? {})) {
    const [, op = '', field = ''] = key.match(/^([!<>=%@]*)(.*)$/) ?? [];
    if (!FILTER_OPS.has(op) || !FILTER_FIELDS.has(field.toUpperCase()))
      throw badKey('getlist', 'Param #2 (arFilter)', key);
  }
  // Dates compare as instants, whatever form the caller wrote them in.
  return parseFilter(filter).map((c) => {
    const at = c.field === 'POST_DATE' ? Date.parse(String(c.value)) : Number.NaN;
    return Number.isNaN(at) ? c : { ...c, value: at };
  });
}

/** The file ids of UF_FORUM_MESSAGE_DOC: the sandbox has no Drive files, so any id is "File not found". */
function checkFiles(fields: ParamObject): void {
  const docs = fields.UF_FORUM_MESSAGE_DOC;
  const list = Array.isArray(docs) ? docs : docs && typeof docs === 'object' ? Object.values(docs) : [docs];
  if (list.some((d) => d !== undefined && d !== null && d !== '' && d !== false))
    throw core('File not found');
}

function textOf(fields: ParamObject | undefined): string {
  const text = fields?.POST_MESSAGE;
  if (typeof text !== 'string' && typeof text !== 'number') throw noText();
  if (String(text).trim() === '') throw noText();
  return String(text);
}

/** data[FIELDS_BEFORE|AFTER] as on-task-comment-{add,update,delete}.md show them for the old card. */
function emit(ctx: MethodContext, event: string, c: TaskComment, action?: 'EDIT' | 'DEL'): void {
  const ids = { ID: c.id, TASK_ID: c.taskId };
  ctx.portal.events.emit(
    event,
    {
      FIELDS_BEFORE: action ? ids : 'undefined',
      FIELDS_AFTER: action ? { ...ids, ACTION: action } : ids,
      IS_ACCESSIBLE_BEFORE: 'undefined',
      IS_ACCESSIBLE_AFTER: 'undefined',
    },
    ctx.caller.ID,
  );
}

export const taskCommentMethods: MethodDef[] = [
  {
    // Anyone who can read the task; AUTHOR_ID may name anyone (the page warns of exactly that).
    // An unknown task answers as a task without access (*unconfirmed*: the page lists no separate error).
    name: 'task.commentitem.add',
    targets: ['TASKID'],
    handler: (ctx) => {
      const task = taskOf(ctx, 'add');
      const fields = ctx.params.obj('FIELDS') ?? {};
      const text = textOf(fields);
      if (!task || !canSeeTask(ctx.caller, task)) throw core('Insufficient permissions to add a comment');
      checkFiles(fields);
      const authorId = toInt(fields.AUTHOR_ID) ?? ctx.caller.ID;
      const postDate = typeof fields.POST_DATE === 'string' ? Date.parse(fields.POST_DATE) : Number.NaN;
      const c = ctx.portal.build.taskComment(task.id, authorId, text, {
        ...(Number.isNaN(postDate) ? {} : { date: new Date(postDate).toISOString() }),
      });
      emit(ctx, 'ONTASKCOMMENTADD', c);
      return ok(c.id);
    },
  },
  {
    name: 'task.commentitem.get',
    targets: ['ITEMID'],
    handler: (ctx) => {
      const c = locate(ctx, 'get', ['TASKID', 'ITEMID'], notFound);
      if (!c) throw notFound();
      return ok(commentView(ctx, c));
    },
  },
  {
    // Newest first by default. The page documents no paging and its answer has no `total` or `next`:
    // every comment of the task comes back at once (*unconfirmed*).
    name: 'task.commentitem.getlist',
    targets: ['TASKID'],
    handler: (ctx) => {
      checkOrder(ctx, ['TASKID', 'ORDER', 'FILTER'], actionFailed);
      const task = taskOf(ctx, 'getlist');
      if (!task || !canSeeTask(ctx.caller, task)) throw actionFailed();
      const order = ctx.params.obj('ORDER') ?? {};
      for (const key of Object.keys(order))
        if (!ORDER_FIELDS.has(key.toUpperCase())) throw badKey('getlist', 'Param #1 (arOrder)', key);
      const conds = filterOf(ctx.params.obj('FILTER'));
      let rows = [...ctx.portal.state.taskComments.values()].filter(
        (c) => c.taskId === task.id && matchesFilter(c, conds, (x, f) => fieldOf(ctx, x, f)),
      );
      const [field, dir] = Object.entries(order)[0] ?? ['ID', 'desc'];
      rows = sortBy(
        sortBy(rows, (c) => c.id, 'DESC'),
        (c) => fieldOf(ctx, c, field.toUpperCase()),
        String(dir).toUpperCase() === 'ASC' ? 'ASC' : 'DESC',
      );
      return ok(rows.map((c) => commentView(ctx, c)));
    },
  },
  {
    // The author, or an administrator; everything else (unknown task or comment, no access, another's
    // comment, parameters out of order) is the one ACTION_NOT_ALLOWED the page lists.
    name: 'task.commentitem.update',
    targets: ['ITEMID'],
    handler: (ctx) => {
      const c = locate(ctx, 'update', ['TASKID', 'ITEMID', 'FIELDS'], notAllowed);
      const fields = ctx.params.obj('FIELDS');
      const text = textOf(fields);
      if (!c || (c.authorId !== ctx.caller.ID && !ctx.caller.isAdmin)) throw notAllowed();
      checkFiles(fields ?? {});
      c.text = text;
      emit(ctx, 'ONTASKCOMMENTUPDATE', c, 'EDIT');
      return ok(true);
    },
  },
  {
    name: 'task.commentitem.delete',
    targets: ['ITEMID'],
    handler: (ctx) => {
      const c = locate(ctx, 'delete', ['TASKID', 'ITEMID'], notAllowed);
      if (!c || (c.authorId !== ctx.caller.ID && !ctx.caller.isAdmin)) throw notAllowed();
      ctx.portal.state.taskComments.delete(c.id);
      emit(ctx, 'ONTASKCOMMENTDELETE', c, 'DEL');
      return ok(true);
    },
  },
];
