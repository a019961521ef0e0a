import type { Bitrix24Client, CallOptions } from './client.ts';
import { encodeCommand, type Params } from './encode.ts';
import { Bitrix24ArgumentError, type Bitrix24Error, toBitrix24Error } from './errors.ts';
import type { MethodName, ParamsOf, ResultOf } from './methods.ts';

/** The portal refuses more than 50 commands per batch (`ERROR_BATCH_LENGTH_EXCEEDED`). */
export const MAX_BATCH_COMMANDS = 50;

declare const refBrand: unique symbol;
/** `$result[key][field]…`: replaced by the portal with a value from an earlier command. */
export type BatchRef = string & { readonly [refBrand]: true };

export function ref(key: string, ...path: Array<string | number>): BatchRef {
  return `$result[${key}]${path.map((part) => `[${part}]`).join('')}` as BatchRef;
}

/** Params where any leaf may instead be a reference to an earlier command's result. */
export type WithRefs<T> =
  T extends ReadonlyArray<infer U>
    ? ReadonlyArray<WithRefs<U>> | BatchRef
    : T extends object
      ? { [K in keyof T]: WithRefs<T[K]> }
      : T | BatchRef;

export interface BatchCommand<M extends MethodName = MethodName> {
  method: M;
  params?: WithRefs<ParamsOf<M>>;
}

/** Helper that keeps the method literal, so the result type follows. */
export function command<M extends MethodName>(method: M, params?: WithRefs<ParamsOf<M>>): BatchCommand<M> {
  return params === undefined ? { method } : { method, params };
}

export type BatchCommands = Record<string, BatchCommand>;

export type BatchItem<R> =
  | { status: 'ok'; result: R; total?: number; next?: number }
  | { status: 'error'; error: Bitrix24Error }
  /** Not run: `halt` stopped the batch at an earlier error. */
  | { status: 'skipped' };

export type BatchResults<C extends BatchCommands> = {
  [K in keyof C]: BatchItem<C[K] extends BatchCommand<infer M> ? ResultOf<M> : unknown>;
};

export interface BatchOptions extends CallOptions {
  /** Stop at the first failing command (`halt=1`); later commands come back `skipped`. */
  halt?: boolean;
}

export interface RawCommand {
  key: string;
  method: string;
  params?: Params | undefined;
}

interface BatchAnswer {
  result?: unknown;
  result_error?: unknown;
  result_total?: unknown;
  result_next?: unknown;
}

const KEY = /^[A-Za-z0-9_]+$/;
const REF = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;

/** PHP sends `[]` for an empty map and a list for keys 0..n-1; read both as a map. */
function asMap(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return Object.fromEntries(value.entries());
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function numberOrUndefined(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

class UnresolvedReference extends Error {}

/**
 * A split batch cannot let the portal resolve `$result[key]` for a key sent in an earlier
 * HTTP request, so we resolve those here, the way the portal would: a value that is exactly one
 * reference takes the referenced value (arrays included), otherwise the text is substituted.
 */
function resolveEarlier(
  value: unknown,
  earlier: Map<string, BatchItem<unknown>>,
  current: Set<string>,
): unknown {
  if (typeof value === 'string') {
    const whole = value.match(/^\$result\[([^\]]+)\]((?:\[[^\]]*\])*)$/);
    const lookup = (key: string, path: string): unknown => {
      const item = earlier.get(key);
      if (item?.status !== 'ok') throw new UnresolvedReference(key);
      let node: unknown = item.result;
      for (const [, part] of path.matchAll(/\[([^\]]*)\]/g)) {
        if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part ?? '')) {
          throw new UnresolvedReference(key);
        }
        node = (node as Record<string, unknown>)[part ?? ''];
      }
      return node;
    };
    if (whole?.[1] && !current.has(whole[1])) return lookup(whole[1], whole[2] ?? '');
    return value.replace(REF, (match, key: string, path: string) =>
      current.has(key) ? match : String(lookup(key, path)),
    );
  }
  if (Array.isArray(value)) return value.map((item) => resolveEarlier(item, earlier, current));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEarlier(v, earlier, current)]),
    );
  }
  return value;
}

/**
 * Runs commands in HTTP requests of at most 50, in order. Results come back per key; a failing
 * command does not throw (the HTTP request as a whole failing does).
 */
export async function runRawBatch(
  client: Bitrix24Client,
  commands: readonly RawCommand[],
  options: BatchOptions = {},
): Promise<Map<string, BatchItem<unknown>>> {
  const seen = new Set<string>();
  for (const { key } of commands) {
    if (!KEY.test(key)) throw new TypeError(`Batch key must match ${KEY}: ${key}`);
    if (seen.has(key)) throw new TypeError(`Duplicate batch key: ${key}`);
    seen.add(key);
  }
  const { halt = false, ...callOptions } = options;
  const counters = client.counterSink;
  const results = new Map<string, BatchItem<unknown>>();
  let halted = false;
  for (let offset = 0; offset < commands.length; offset += MAX_BATCH_COMMANDS) {
    const chunk = commands.slice(offset, offset + MAX_BATCH_COMMANDS);
    if (halted) {
      for (const { key } of chunk) results.set(key, { status: 'skipped' });
      continue;
    }
    const inChunk = new Set(chunk.map(({ key }) => key));
    const cmd: Record<string, string> = {};
    for (const { key, method, params } of chunk) {
      try {
        const resolved =
          offset === 0 ? params : (resolveEarlier(params, results, inChunk) as Params | undefined);
        cmd[key] = encodeCommand(method, resolved);
      } catch (error) {
        if (!(error instanceof UnresolvedReference)) throw error;
        const description = `references $result[${error.message}], which has no such value`;
        results.set(key, {
          status: 'error',
          error: new Bitrix24ArgumentError({ code: 'BATCH_REFERENCE', description, method }),
        });
        counters.error('BATCH_REFERENCE');
      }
    }
    const sent = chunk.filter(({ key }) => key in cmd);
    if (sent.length === 0) continue;
    for (const { method } of sent) counters.batched(method);
    const envelope = await client.request('batch', { halt: halt ? 1 : 0, cmd }, callOptions);
    const answer = asMap(envelope.result) as BatchAnswer;
    const ok = asMap(answer.result);
    const failed = asMap(answer.result_error);
    const totals = asMap(answer.result_total);
    const nexts = asMap(answer.result_next);
    for (const { key, method } of sent) {
      const failure = failed[key] as { error?: unknown; error_description?: unknown } | undefined;
      if (failure) {
        const code = String(failure.error ?? 'ERROR_UNKNOWN');
        const description =
          typeof failure.error_description === 'string'
            ? client.endpoint.redact(failure.error_description)
            : '';
        results.set(key, { status: 'error', error: toBitrix24Error({ code, description, method }) });
        counters.error(code);
        if (halt) halted = true;
      } else if (Object.hasOwn(ok, key)) {
        const total = numberOrUndefined(totals[key]);
        const next = numberOrUndefined(nexts[key]);
        results.set(key, {
          status: 'ok',
          result: ok[key],
          ...(total === undefined ? {} : { total }),
          ...(next === undefined ? {} : { next }),
        });
      } else {
        results.set(key, { status: 'skipped' });
        if (halt) halted = true;
      }
    }
  }
  return results;
}

export async function runBatch<C extends BatchCommands>(
  client: Bitrix24Client,
  commands: C,
  options?: BatchOptions,
): Promise<BatchResults<C>> {
  const raw = Object.entries(commands).map(([key, { method, params }]) => ({
    key,
    method,
    params: params as Params | undefined,
  }));
  const results = await runRawBatch(client, raw, options);
  return Object.fromEntries(results) as BatchResults<C>;
}
