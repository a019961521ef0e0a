import type { Chat } from '../../state/types.ts';
import { methodError } from '../errors.ts';
import type { ParamValue } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';
import { fullName } from '../user-view.ts';

/**
 * USERS as the platform reads it (CIMRestService::chatCreate): a JSON string is decoded, anything not a
 * list counts as none, empty entries are dropped, and an entry that is neither a number nor a string is
 * refused. Ids of no user are dropped (*unconfirmed*: CIMChat::Add's own filtering is not in the docs).
 */
function chatUsers(ctx: MethodContext, raw: ParamValue | undefined): number[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as ParamValue;
    } catch {
      value = [];
    }
  }
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
  const ids: number[] = [];
  for (const entry of list) {
    if (!entry) continue;
    if (typeof entry !== 'number' && typeof entry !== 'string')
      throw methodError('INVALID_FORMAT', 'Parameter USERS has wrong type');
    const id = Number(entry);
    if (Number.isInteger(id) && id > 0 && ctx.portal.state.user(id)) ids.push(id);
  }
  return ids;
}

export const imChatMethods: MethodDef[] = [
  {
    // api-reference/chats/im-chat-add.md: any user; the creator joins as owner; returns the chat id.
    // ENTITY_TYPE/ENTITY_ID are kept unless the caller is an extranet user (the platform drops them).
    name: 'im.chat.add',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const others = chatUsers(ctx, params.get('USERS')).filter((id) => id !== caller.ID);
      const title = params.str('TITLE')?.trim();
      const chat: Chat = portal.build.chat([caller.ID, ...others], {
        type: params.str('TYPE') === 'OPEN' ? 'open' : 'chat',
        ownerId: caller.ID,
        // The platform's default titles (*unconfirmed* wording): "Chat with #USERS_NAMES#", or a number.
        title:
          title ||
          (others.length > 0
            ? `Chat with ${others.map((id) => fullName(portal.state.user(id)!)).join(', ')}`
            : ''),
      });
      if (!chat.title) chat.title = `Chat №${chat.id}`;
      const description = params.str('DESCRIPTION');
      if (description) chat.description = description;
      const entityType = params.str('ENTITY_TYPE');
      if (entityType && caller.USER_TYPE !== 'extranet')
        chat.entity = { type: entityType, id: params.str('ENTITY_ID') ?? '' };
      // The first message, by the creator (*unconfirmed*: the docs only say "the first message in the chat").
      const message = params.str('MESSAGE');
      if (message) portal.build.message(chat.id, caller.ID, message);
      return ok(chat.id);
    },
  },
  {
    // api-reference/chats/im-chat-get.md: by ENTITY_TYPE and ENTITY_ID, `{ ID }` of any chat with that
    // pair, whoever asks (the platform reads the chat table without a membership check); null when none.
    // The DIALOG_ID form (the chat's full description) is not modelled.
    name: 'im.chat.get',
    handler: (ctx) => {
      const type = ctx.params.str('ENTITY_TYPE');
      const id = ctx.params.str('ENTITY_ID');
      if (ctx.params.has('DIALOG_ID'))
        throw methodError(
          'ERROR_METHOD_NOT_FOUND',
          'im.chat.get by DIALOG_ID is not modelled by the sandbox',
        );
      if (!type || !id) return ok(null);
      for (const chat of ctx.portal.state.chats.values()) {
        if (chat.entity?.type === type && chat.entity.id === id) return ok({ ID: chat.id });
      }
      return ok(null);
    },
  },
];
