import { scopeAllows } from '../apps/scopes.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import type { Timing } from './envelope.ts';
import { RestError, systemError } from './errors.ts';
import { type ParamObject, Params } from './params.ts';
import { type CallerAuth, DEFAULT_TARGETS, type MethodResult, WEBHOOK_AUTH } from './registry.ts';

export type CallOutcome =
  | { ok: true; value: MethodResult; timing: Timing; method: string }
  | { ok: false; error: RestError; timing: Timing; method: string };

function targetOf(params: Params, names: string[]): string | undefined {
  for (const n of names) {
    const v = params.get(n);
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

/** Runs one method call (top-level or inside a batch) with the caller's rights. */
export async function invokeMethod(
  portal: SandboxRuntime,
  caller: User,
  method: string,
  raw: ParamObject,
  auth: CallerAuth = WEBHOOK_AUTH,
): Promise<CallOutcome> {
  const startMs = Date.now();
  const t0 = performance.now();
  const def = portal.methods.get(method);
  const finish = (name: string): Timing => {
    const processingMs = performance.now() - t0;
    const op = portal.operating.state(name);
    return {
      startMs,
      finishMs: Date.now(),
      processingMs,
      operating: op.operating,
      operatingResetAt: op.resetAt,
    };
  };
  if (!def)
    return { ok: false, error: systemError('ERROR_METHOD_NOT_FOUND'), timing: finish(method), method };
  if (portal.operating.blocked(def.name)) {
    return {
      ok: false,
      error: systemError('OPERATION_TIME_LIMIT'),
      timing: finish(def.name),
      method: def.name,
    };
  }
  // An OAuth token works only for the scopes of the app card (modules/rest/lib/oauth/auth.php answers
  // `insufficient_scope`; as every auth failure there, with 401).
  if (auth.type === 'oauth' && !scopeAllows(auth.app.scope, def.name)) {
    return {
      ok: false,
      error: new RestError(
        'insufficient_scope',
        'The request requires higher privileges than provided by the access token',
        401,
      ),
      timing: finish(def.name),
      method: def.name,
    };
  }
  const params = new Params(raw);
  const target = targetOf(params, def.targets ?? DEFAULT_TARGETS);
  portal.counters.recordCall(def.name, target);
  const refused = portal.faults.refuse(def.name, target);
  if (refused) return { ok: false, error: refused, timing: finish(def.name), method: def.name };
  try {
    const value = await def.handler({ portal, caller, auth, params, method: def.name });
    portal.operating.record(def.name, portal.operating.cost(def.name, (performance.now() - t0) / 1000));
    return { ok: true, value, timing: finish(def.name), method: def.name };
  } catch (err) {
    portal.operating.record(def.name, portal.operating.cost(def.name, (performance.now() - t0) / 1000));
    if (err instanceof RestError)
      return { ok: false, error: err, timing: finish(def.name), method: def.name };
    portal.log(
      `method ${def.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return {
      ok: false,
      error: systemError('INTERNAL_SERVER_ERROR'),
      timing: finish(def.name),
      method: def.name,
    };
  }
}
