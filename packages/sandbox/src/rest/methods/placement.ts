import { PLACEMENT_CATALOG, placementAllowed } from '../../apps/placement-catalog.ts';
import type { App, Placement } from '../../apps/types.ts';
import { RestError } from '../errors.ts';
import type { ParamValue } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';

/**
 * Method errors of placement.* (api-reference/widgets/placement-bind.md, placement-unbind.md). The
 * bind page's table lists ERROR_PLACEMENT_MAX_COUNT, ERROR_PLACEMENT_USER_MODE, EMPTY_ERROR_HANDLER_URL
 * and ERROR_ARGUMENT with status 200; the unbind page gives ERROR_ARGUMENT as 400, and a
 * `RestException` answers 400 in the platform, so the sandbox answers 400 (*unconfirmed* for the four).
 */
function argumentError(description: string, argument: string): RestError {
  return new RestError('ERROR_ARGUMENT', description, 400, { argument });
}

/**
 * placement.php `checkPermission`: an OAuth application context (403 WRONG_AUTH_TYPE for a webhook)
 * and an administrator (403 ACCESS_DENIED "Access denied!", placement-unbind.md).
 */
function requireAppAdmin(ctx: MethodContext): App {
  if (ctx.auth.type !== 'oauth')
    throw new RestError(
      'WRONG_AUTH_TYPE',
      'Current authorization type is denied for this method Application context required',
      403,
    );
  if (!ctx.caller.isAdmin) throw new RestError('ACCESS_DENIED', 'Access denied!', 403);
  return ctx.auth.app;
}

function text(v: ParamValue | undefined): string {
  return v === undefined || v === null || typeof v === 'object' ? '' : String(v).trim();
}

function langAllOf(ctx: MethodContext, app: App): Placement['langAll'] {
  const given = ctx.params.obj('LANG_ALL');
  const out: Placement['langAll'] = {};
  if (given && Object.keys(given).length > 0) {
    for (const [lang, item] of Object.entries(given)) {
      const o = item !== null && typeof item === 'object' && !Array.isArray(item) ? item : {};
      out[lang] = { TITLE: text(o.TITLE), DESCRIPTION: text(o.DESCRIPTION), GROUP_NAME: text(o.GROUP_NAME) };
    }
    return out;
  }
  const title = text(ctx.params.get('TITLE'));
  // Without any title the app's name is shown (user-profile/profile-menu.md).
  out.en = {
    TITLE: title === '' ? app.name : title,
    DESCRIPTION: text(ctx.params.get('DESCRIPTION')),
    GROUP_NAME: text(ctx.params.get('GROUP_NAME')),
  };
  return out;
}

const bind: MethodDef = {
  name: 'placement.bind',
  handler: (ctx) => {
    const app = requireAppAdmin(ctx);
    const code = text(ctx.params.get('PLACEMENT')).toUpperCase();
    const handler = text(ctx.params.get('HANDLER'));
    if (code === '') throw argumentError("Argument 'PLACEMENT' is null or empty", 'PLACEMENT');
    if (code === 'DEFAULT') throw argumentError('Wrong value', 'PLACEMENT');
    if (handler === '') throw argumentError("Argument 'HANDLER' is null or empty", 'HANDLER');
    if (!/^https?:\/\/[^/\s]+/i.test(handler))
      throw new RestError('ERROR_WRONG_HANDLER_URL', 'Wrong handler URL', 400);
    const spec = placementAllowed(code, app.scope);
    if (!spec) throw new RestError('ERROR_PLACEMENT_NOT_FOUND', 'Placement not found', 400);
    const userId = Math.max(0, ctx.params.int('USER_ID') ?? 0);
    if (userId > 0 && !spec.userMode)
      throw new RestError('ERROR_PLACEMENT_USER_MODE', 'User mode is not available.', 400);
    const rawOptions = ctx.params.obj('OPTIONS') ?? {};
    const options: Placement['options'] = {};
    for (const [k, type] of Object.entries(spec.options)) {
      const v = rawOptions[k];
      if (v === undefined || v === null || typeof v === 'object') continue;
      options[k] = type === 'int' ? Number.parseInt(String(v), 10) || 0 : String(v);
    }
    if (code === 'PAGE_BACKGROUND_WORKER' && !options.errorHandlerUrl)
      throw new RestError('EMPTY_ERROR_HANDLER_URL', 'Error handler URL is empty', 400);
    if (spec.maxCount > 0) {
      const existing = ctx.portal.apps
        .placementsOf(app.id)
        .filter((p) => p.placement === code && (!spec.userMode || p.userId === 0 || p.userId === userId));
      if (existing.length >= spec.maxCount)
        throw new RestError('ERROR_PLACEMENT_MAX_COUNT', `Placement max count: ${spec.maxCount}`, 400);
    }
    const langAll = langAllOf(ctx, app);
    const first = Object.values(langAll)[0];
    ctx.portal.apps.addPlacement({
      appId: app.id,
      placement: code,
      handler,
      title: first?.TITLE ?? app.name,
      description: first?.DESCRIPTION ?? '',
      groupName: first?.GROUP_NAME ?? '',
      userId,
      options,
      langAll,
    });
    return ok(true);
  },
};

const unbind: MethodDef = {
  name: 'placement.unbind',
  handler: (ctx) => {
    const app = requireAppAdmin(ctx);
    const raw = ctx.params.get('PLACEMENT');
    if (raw !== undefined && raw !== null && typeof raw === 'object')
      throw argumentError("The value of an argument 'PLACEMENT' must be of type string", 'PLACEMENT');
    const code = text(raw).toUpperCase();
    if (code === '') throw argumentError("Argument 'PLACEMENT' is null or empty", 'PLACEMENT');
    const handler = text(ctx.params.get('HANDLER'));
    const userId = ctx.params.has('USER_ID') ? (ctx.params.int('USER_ID') ?? 0) : undefined;
    let count = 0;
    if (PLACEMENT_CATALOG[code]) {
      for (const p of ctx.portal.apps.placementsOf(app.id)) {
        if (p.placement !== code) continue;
        if (userId !== undefined && p.userId !== userId) continue;
        if (handler !== '' && p.handler !== handler) continue;
        // "by 1 for each found handler record before the removal call, by another 1 after each
        // successful removal" (placement-unbind.md).
        count++;
        if (ctx.portal.apps.placements.delete(p.id)) count++;
      }
    }
    return ok({ count });
  },
};

const get: MethodDef = {
  name: 'placement.get',
  handler: (ctx) => {
    const app = requireAppAdmin(ctx);
    return ok(
      ctx.portal.apps.placementsOf(app.id).map((p) => ({
        placement: p.placement,
        userId: p.userId,
        handler: p.handler,
        // PHP's empty array is a JSON list (placement-get.md shows `"options": []`).
        options: Object.keys(p.options).length === 0 ? [] : p.options,
        title: p.title,
        description: p.description,
        langAll: p.langAll,
      })),
    );
  },
};

const list: MethodDef = {
  name: 'placement.list',
  handler: (ctx) => {
    if (ctx.auth.type !== 'oauth')
      throw new RestError(
        'WRONG_AUTH_TYPE',
        'Current authorization type is denied for this method Application context required',
        403,
      );
    const scopeParam = text(ctx.params.get('SCOPE'));
    const scopes =
      scopeParam !== '' ? [scopeParam] : ctx.params.bool('FULL') ? ['user', 'placement'] : ctx.auth.app.scope;
    return ok(
      Object.entries(PLACEMENT_CATALOG)
        .filter(([, s]) => scopes.includes(s.scope))
        .map(([c]) => c),
    );
  },
};

export const placementMethods: MethodDef[] = [bind, unbind, get, list];
