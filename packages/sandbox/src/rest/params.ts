/**
 * Request parameters the way PHP (and so Bitrix24) sees them: `FILTER[>ID]=5`, `ID[]=1`,
 * `cmd[a]=user.get?ID=1` become nested objects; JSON bodies are taken as they are.
 */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type ParamObject = { [key: string]: ParamValue };

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** Splits `a[b][]` into `['a', 'b', '']` the way PHP's parse_str does. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let m: RegExpExecArray | null = re.exec(key);
  let end = open;
  while (m !== null && m.index === end) {
    parts.push(m[1] ?? '');
    end = re.lastIndex;
    m = re.exec(key);
  }
  return parts;
}

function nextIndex(obj: ParamObject): string {
  let max = -1;
  for (const k of Object.keys(obj)) if (/^\d+$/.test(k)) max = Math.max(max, Number(k));
  return String(max + 1);
}

/** Sets `value` at a PHP-style key path, building plain objects; lists are normalised later. */
export function setPhpKey(target: ParamObject, key: string, value: ParamValue): void {
  const path = splitKey(key);
  let node = target;
  for (let i = 0; i < path.length; i++) {
    let part = path[i] as string;
    if (part === '' && i > 0) part = nextIndex(node);
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const existing = node[part];
    if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) {
      const fresh: ParamObject = {};
      node[part] = fresh;
      node = fresh;
    } else {
      node = existing;
    }
  }
}

/** Objects whose keys are exactly 0..n-1 become arrays, as a JSON client would have sent them. */
export function normalizeLists(value: ParamValue): ParamValue {
  if (Array.isArray(value)) return value.map(normalizeLists);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const out: ParamObject = {};
  for (const k of keys) out[k] = normalizeLists(value[k] as ParamValue);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => out[k] as ParamValue);
  return out;
}

export function parsePhpQuery(query: string): ParamObject {
  const out: ParamObject = {};
  const q = query.startsWith('?') ? query.slice(1) : query;
  for (const pair of q.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    if (key === '') continue;
    setPhpKey(out, key, decode(rawValue));
  }
  return normalizeLists(out) as ParamObject;
}

/** Case-insensitive access: Bitrix24 methods upper-case their parameter keys. */
export class Params {
  readonly raw: ParamObject;

  constructor(raw: ParamObject) {
    this.raw = raw;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get(name: string): ParamValue | undefined {
    if (name in this.raw) return this.raw[name];
    const upper = name.toUpperCase();
    for (const [k, v] of Object.entries(this.raw)) if (k.toUpperCase() === upper) return v;
    return undefined;
  }

  /** First present of several names (e.g. `FILTER` / `filter`, `DIALOG_ID` / `dialogId`). */
  first(...names: string[]): ParamValue | undefined {
    for (const n of names) {
      const v = this.get(n);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  str(name: string): string | undefined {
    const v = this.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') return undefined;
    return String(v);
  }

  int(name: string): number | undefined {
    return toInt(this.get(name));
  }

  bool(name: string): boolean | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : toBool(v);
  }

  obj(name: string): ParamObject | undefined {
    const v = this.get(name);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  }
}

export function toInt(v: ParamValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Y/N, true/false, 1/0 all mean what they say (data-types.md: boolean is Y/N, sometimes 1/0). */
export function toBool(v: ParamValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['y', 'yes', 'true', '1'].includes(v.trim().toLowerCase());
  return false;
}

export function toIntList(v: ParamValue | undefined): number[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v) : [v];
  return list.map((x) => toInt(x)).filter((x): x is number => x !== undefined);
}

/** Reads query string and body (JSON, form-urlencoded or multipart) into one parameter object. */
export async function readRequestParams(req: Request): Promise<ParamObject> {
  const url = new URL(req.url);
  const params: ParamObject = parsePhpQuery(url.search);
  if (req.method === 'GET' || req.method === 'HEAD') return params;
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  let body: ParamObject = {};
  if (type.includes('application/json')) {
    const text = await req.text();
    if (text.trim() !== '') {
      // A body that is not JSON is read as no parameters rather than failing the call.
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {}
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        body = parsed as ParamObject;
    }
  } else if (type.includes('multipart/form-data')) {
    const form = await req.formData();
    const collected: ParamObject = {};
    for (const [k, v] of form.entries()) setPhpKey(collected, k, typeof v === 'string' ? v : v.name);
    body = normalizeLists(collected) as ParamObject;
  } else {
    const text = await req.text();
    if (text !== '') body = parsePhpQuery(text);
  }
  return { ...params, ...body };
}
