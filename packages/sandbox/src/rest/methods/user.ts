import type { User } from '../../state/types.ts';
import { USER_FIELD_LABELS, USER_UPDATABLE_FIELDS, type UserStringField } from '../../state/user-fields.ts';
import { methodError } from '../errors.ts';
import { type FilterCondition, matchesFilter, parseFilter, type SortDirection, sortBy } from '../filter.ts';
import { parseDateInput } from '../format.ts';
import { paginate } from '../paging.ts';
import { type ParamObject, type Params, toBool, toIntList } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';
import { userFilterValue, userView } from '../user-view.ts';

/** Top-level keys that are not filter fields when a client passes the filter unwrapped (user-get.md example). */
const RESERVED = new Set(['SORT', 'ORDER', 'START', 'ADMIN_MODE', 'SELECT', 'AUTH', 'FILTER']);
const BOOL_FIELDS = new Set(['ACTIVE', 'IS_ONLINE']);

function filterSource(params: Params): ParamObject {
  const wrapped = params.obj('FILTER');
  if (wrapped) return wrapped;
  const out: ParamObject = {};
  for (const [k, v] of Object.entries(params.raw)) if (!RESERVED.has(k.toUpperCase())) out[k] = v;
  return out;
}

function normalizeBooleans(conds: FilterCondition[]): FilterCondition[] {
  return conds.map((c) =>
    BOOL_FIELDS.has(c.field) && (typeof c.value !== 'object' || c.value === null)
      ? { ...c, value: toBool(c.value) ? 'Y' : 'N' }
      : c,
  );
}

function nameSearch(u: User, text: string): boolean {
  const t = text.toLowerCase().replace(/%/g, '');
  return [u.NAME, u.LAST_NAME, u.SECOND_NAME, u.EMAIL, u.WORK_POSITION, `${u.NAME} ${u.LAST_NAME}`].some(
    (s) => s.toLowerCase().includes(t),
  );
}

function sortOf(params: Params): { field: string; dir: SortDirection } {
  const order = params.get('order');
  if (order && typeof order === 'object' && !Array.isArray(order)) {
    const [field, dir] = Object.entries(order)[0] ?? ['ID', 'ASC'];
    return { field: field.toUpperCase(), dir: String(dir).toUpperCase() === 'DESC' ? 'DESC' : 'ASC' };
  }
  const field = (params.str('sort') ?? 'ID').toUpperCase();
  const dir = (params.str('order') ?? 'ASC').toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
  return { field, dir };
}

function listUsers(
  ctx: MethodContext,
  extra: (u: User) => boolean,
  filter: ParamObject,
): ReturnType<typeof paginate> {
  const { params, portal } = ctx;
  const search = filter.NAME_SEARCH ?? filter.name_search;
  const rest: ParamObject = { ...filter };
  delete rest.NAME_SEARCH;
  delete rest.name_search;
  const conds = normalizeBooleans(parseFilter(rest));
  let users = [...portal.state.users.values()].filter(
    (u) =>
      matchesFilter(u, conds, userFilterValue) &&
      (typeof search !== 'string' || nameSearch(u, search)) &&
      extra(u),
  );
  const { field, dir } = sortOf(params);
  users = sortBy(
    users,
    (u) => {
      const v = userFilterValue(u, field) ?? u.ID;
      return Array.isArray(v) ? (v[0] ?? null) : v;
    },
    dir,
  );
  return paginate(users, params.int('start'), userView);
}

const SEARCH_FIELDS = ['NAME', 'LAST_NAME', 'SECOND_NAME', 'WORK_POSITION', 'UF_DEPARTMENT_NAME'] as const;

function departmentNames(ctx: MethodContext, u: User): string[] {
  return u.UF_DEPARTMENT.map((id) => ctx.portal.state.departments.get(id)?.name ?? '');
}

/** Applies `user.update` fields; ACTIVE accepts Y/N and booleans (BITRIX24.md: accept both). */
function applyUpdate(u: User, fields: ParamObject): void {
  for (const [key, value] of Object.entries(fields)) {
    const f = key.toUpperCase();
    if (!USER_UPDATABLE_FIELDS.includes(f as never)) continue;
    if (f === 'ACTIVE') u.ACTIVE = toBool(value);
    else if (f === 'UF_DEPARTMENT') u.UF_DEPARTMENT = toIntList(value);
    else if (f === 'PERSONAL_BIRTHDAY' || f === 'UF_EMPLOYMENT_DATE') {
      const d = parseDateInput(typeof value === 'string' ? value : '');
      if (d !== null) u[f] = d;
    } else if (f === 'PERSONAL_PHOTO' || f === 'WORK_LOGO') {
      // A file upload or `{ del: 'Y' }`; the sandbox keeps no files, so any value clears or sets a marker.
      u[f] = typeof value === 'string' ? value : '';
    } else {
      u[f as UserStringField] = value === null || typeof value === 'object' ? '' : String(value);
    }
  }
  u.TIMESTAMP_X = new Date().toISOString();
}

export const userMethods: MethodDef[] = [
  {
    name: 'user.get',
    handler: (ctx) => listUsers(ctx, () => true, filterSource(ctx.params)),
  },
  {
    // api-reference/user/user-search.md: FIND over names, position and department; field
    // searches match the beginning of the value; everything else behaves as user.get.
    name: 'user.search',
    handler: (ctx) => {
      const filter = { ...filterSource(ctx.params) };
      const find = typeof filter.FIND === 'string' ? filter.FIND.toLowerCase() : null;
      delete filter.FIND;
      const prefixes: [string, string][] = [];
      for (const f of SEARCH_FIELDS) {
        const v = filter[f];
        if (typeof v === 'string' || typeof v === 'number') {
          prefixes.push([f, String(v).toLowerCase().replace(/%$/, '')]);
          delete filter[f];
        }
      }
      return listUsers(
        ctx,
        (u) => {
          const values = (f: string) =>
            f === 'UF_DEPARTMENT_NAME' ? departmentNames(ctx, u) : [String(u[f as UserStringField] ?? '')];
          if (find !== null) {
            const hay = [u.NAME, u.LAST_NAME, u.SECOND_NAME, u.WORK_POSITION, ...departmentNames(ctx, u)];
            if (!hay.some((s) => s.toLowerCase().includes(find))) return false;
          }
          return prefixes.every(([f, p]) => values(f).some((s) => s.toLowerCase().startsWith(p)));
        },
        filter,
      );
    },
  },
  { name: 'user.current', handler: (ctx) => ok(userView(ctx.caller)) },
  // api-reference/common/users/user-admin.md: whether the caller is an administrator.
  { name: 'user.admin', handler: (ctx) => ok(ctx.caller.isAdmin) },
  { name: 'user.fields', handler: () => ok({ ...USER_FIELD_LABELS }) },
  {
    // api-reference/user/user-update.md: administrators only; errors are 400 ERROR_CORE.
    name: 'user.update',
    handler: (ctx) => {
      if (!ctx.caller.isAdmin) throw methodError('ERROR_CORE', 'access_denied');
      const id = ctx.params.int('ID');
      const user = id === undefined ? undefined : ctx.portal.state.user(id);
      if (!user) throw methodError('ERROR_CORE', 'access_denied');
      const fields = ctx.params.obj('FIELDS') ?? ctx.params.raw;
      applyUpdate(user, fields);
      return ok(true);
    },
  },
];
