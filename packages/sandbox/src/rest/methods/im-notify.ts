import { methodError } from '../errors.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';

/** ATTACH limit of im.notify.*.add (api-reference/chats/notifications/im-notify-system-add.md): 30 KB. */
export const ATTACH_LIMIT_BYTES = 30 * 1024;

export function checkAttach(attach: unknown): void {
  if (attach === undefined || attach === null || attach === '') return;
  const size = Buffer.byteLength(typeof attach === 'string' ? attach : JSON.stringify(attach));
  if (size > ATTACH_LIMIT_BYTES) {
    throw methodError('ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
  }
}

function addNotification(ctx: MethodContext, type: 'system' | 'personal'): number {
  const { params, portal, caller } = ctx;
  const userId = params.int('USER_ID');
  if (userId === undefined || userId <= 0 || !portal.state.user(userId)) {
    throw methodError('USER_ID_EMPTY', "User ID can't be empty");
  }
  const message = (params.str('MESSAGE') ?? '').trim();
  if (message === '') throw methodError('MESSAGE_EMPTY', "Message can't be empty");
  const attach = params.get('ATTACH');
  checkAttach(attach);
  const tag = params.str('TAG') ?? '';
  // A TAG is unique: a new notification with it removes the older ones (im-notify.md).
  if (tag !== '') {
    for (const n of [...portal.state.notifications.values()]) {
      if (n.tag === tag && n.userId === userId) portal.state.notifications.delete(n.id);
    }
  }
  const n = portal.build.notification(userId, message, {
    type,
    authorId: type === 'personal' ? caller.ID : 0,
    messageOut: params.str('MESSAGE_OUT') ?? '',
    tag,
    subTag: params.str('SUB_TAG') ?? '',
    attach: attach ?? null,
  });
  return n.id;
}

export const notifyMethods: MethodDef[] = [
  { name: 'im.notify.system.add', handler: (ctx) => ok(addNotification(ctx, 'system')) },
  { name: 'im.notify.personal.add', handler: (ctx) => ok(addNotification(ctx, 'personal')) },
  {
    // TYPE=USER (default) or SYSTEM (api-reference/chats/notifications/im-notify.md).
    name: 'im.notify',
    handler: (ctx) => {
      const type = (ctx.params.str('TYPE') ?? 'USER').toUpperCase() === 'SYSTEM' ? 'system' : 'personal';
      return ok(addNotification(ctx, type));
    },
  },
];
