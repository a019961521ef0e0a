import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { invokeMethod } from './dispatch.ts';
import { type TimeBlock, timeBlock } from './envelope.ts';
import { methodError, systemError } from './errors.ts';
import { type ParamObject, type Params, type ParamValue, parsePhpQuery, toBool } from './params.ts';
import { type CallerAuth, type MethodResult, WEBHOOK_AUTH } from './registry.ts';

/** settings/how-to-call-rest-api/batch.md: "The number of requests in a batch is limited to 50." */
export const MAX_BATCH_COMMANDS = 50;

type Bag = Map<string, unknown>;

interface BatchState {
  result: Bag;
  result_error: Bag;
  result_total: Bag;
  result_next: Bag;
  result_time: Bag;
}

/** PHP's json_encode: an empty or 0..n-1 keyed array is a JSON list, anything else an object. */
function phpArray(bag: Bag): unknown {
  const keys = [...bag.keys()];
  if (keys.every((k, i) => k === String(i))) return [...bag.values()];
  return Object.fromEntries(bag);
}

function commandsOf(cmd: ParamValue | undefined): [string, string][] {
  if (cmd === undefined || cmd === null) return [];
  if (Array.isArray(cmd)) return cmd.map((c, i) => [String(i), typeof c === 'string' ? c : '']);
  if (typeof cmd === 'object')
    return Object.entries(cmd).map(([k, c]) => [k, typeof c === 'string' ? c : '']);
  return [];
}

const REFERENCE = /\$(result|result_error|result_total|result_next|result_time)((?:\[[^\]]*\])+)/g;

function lookup(state: BatchState, bag: string, path: string): unknown {
  const parts = [...path.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
  let node: unknown = (state as unknown as Record<string, Bag>)[bag]?.get(parts[0] ?? '');
  for (const p of parts.slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/**
 * Replaces `$result[key][field]…` (and the `result_error/_total/_next/_time` forms) in every
 * parameter value. A value that is exactly one reference takes the referenced value as it is
 * (so a list stays a list); an embedded reference is interpolated as text. An unresolved
 * reference becomes '' (*unconfirmed*: the docs do not say).
 */
function resolve(value: ParamValue, state: BatchState): ParamValue {
  if (typeof value === 'string') {
    const whole = value.match(
      /^\$(result|result_error|result_total|result_next|result_time)((?:\[[^\]]*\])+)$/,
    );
    if (whole) {
      const v = lookup(state, whole[1] as string, whole[2] as string);
      if (v === undefined) return '';
      return v as ParamValue;
    }
    return value.replace(REFERENCE, (_m, bag: string, path: string) => {
      const v = lookup(state, bag, path);
      return v === undefined || v === null || typeof v === 'object' ? '' : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, state));
  if (value !== null && typeof value === 'object') {
    const out: ParamObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolve(v, state);
    return out;
  }
  return value;
}

export interface BatchOptions {
  /**
   * true: a batch of more than 50 commands is refused whole with 400 ERROR_BATCH_LENGTH_EXCEEDED
   * (the older docs' system-error table). false (default, current error-codes.md): the first 50
   * run and every command beyond answers ERROR_BATCH_LENGTH_EXCEEDED in `result_error`.
   */
  strictLength: boolean;
}

export async function runBatch(
  portal: SandboxRuntime,
  caller: User,
  params: Params,
  options: BatchOptions,
  auth: CallerAuth = WEBHOOK_AUTH,
): Promise<MethodResult> {
  const commands = commandsOf(params.get('cmd'));
  const halt = toBool(params.get('halt') ?? false);
  if (options.strictLength && commands.length > MAX_BATCH_COMMANDS) {
    throw systemError('ERROR_BATCH_LENGTH_EXCEEDED');
  }
  const state: BatchState = {
    result: new Map(),
    result_error: new Map(),
    result_total: new Map(),
    result_next: new Map(),
    result_time: new Map<string, TimeBlock>(),
  };
  for (const [index, [key, command]] of commands.entries()) {
    if (index >= MAX_BATCH_COMMANDS) {
      state.result_error.set(key, systemError('ERROR_BATCH_LENGTH_EXCEEDED').toBody());
      continue;
    }
    const q = command.indexOf('?');
    const method = (q === -1 ? command : command.slice(0, q)).trim();
    const query = q === -1 ? '' : command.slice(q + 1);
    if (method.toLowerCase() === 'batch') {
      state.result_error.set(key, systemError('ERROR_BATCH_METHOD_NOT_ALLOWED').toBody());
      if (halt) break;
      continue;
    }
    if (method === '') {
      state.result_error.set(key, methodError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404).toBody());
      if (halt) break;
      continue;
    }
    const raw = resolve(parsePhpQuery(query), state) as ParamObject;
    // Every command runs with the batch's own credentials: the platform writes the batch's auth over
    // any `auth` a command carries (modules/rest/classes/general/rest_provider.php `methodsBatch`), so
    // one batch cannot act as several users.
    delete raw.auth;
    delete raw.access_token;
    const outcome = await invokeMethod(portal, caller, method, raw, auth);
    if (outcome.ok) {
      state.result.set(key, outcome.value.result);
      if (outcome.value.total !== undefined) state.result_total.set(key, outcome.value.total);
      if (outcome.value.next !== undefined) state.result_next.set(key, outcome.value.next);
      state.result_time.set(key, timeBlock(outcome.timing));
    } else {
      state.result_error.set(key, outcome.error.toBody());
      if (halt) break;
    }
  }
  return {
    result: {
      result: phpArray(state.result),
      result_error: phpArray(state.result_error),
      result_total: phpArray(state.result_total),
      result_next: phpArray(state.result_next),
      result_time: phpArray(state.result_time),
    },
  };
}
