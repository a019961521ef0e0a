import type { Storage } from '../../state/types.ts';
import { matchesFilter, parseFilter } from '../filter.ts';
import { paginate } from '../paging.ts';
import type { MethodContext, MethodDef } from '../registry.ts';

/** Fields of disk.storage.get (api-reference/disk/storage/disk-storage-get.md). */
function storageView(s: Storage): Record<string, unknown> {
  return {
    ID: String(s.id),
    NAME: s.name,
    CODE: s.code,
    MODULE_ID: 'disk',
    ENTITY_TYPE: s.entityType,
    ENTITY_ID: s.entityId,
    ROOT_OBJECT_ID: String(s.rootObjectId),
  };
}

function filterValue(s: Storage, field: string): string | number | null | undefined {
  switch (field) {
    case 'ID':
      return s.id;
    case 'NAME':
      return s.name;
    case 'CODE':
      return s.code;
    case 'ENTITY_TYPE':
      return s.entityType;
    case 'ENTITY_ID':
      return s.entityId;
    default:
      return undefined;
  }
}

/** "Available storages": an administrator sees all; others their own and the common ones (*unconfirmed*). */
function available(ctx: MethodContext, s: Storage): boolean {
  return ctx.caller.isAdmin || s.entityType !== 'user' || s.entityId === String(ctx.caller.ID);
}

export const diskMethods: MethodDef[] = [
  {
    name: 'disk.storage.getlist',
    handler: (ctx) => {
      const conds = parseFilter(ctx.params.obj('filter'));
      const list = [...ctx.portal.state.storages.values()]
        .filter((s) => available(ctx, s) && matchesFilter(s, conds, filterValue))
        .sort((a, b) => a.id - b.id);
      return paginate(list, ctx.params.int('start'), storageView);
    },
  },
];
