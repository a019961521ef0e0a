/**
 * PHP-style form encoding (`http_build_query`): `FILTER[>ID]=5&select[0]=ID`.
 *
 * One encoder serves both the request body and the `"method?query"` strings inside `batch`,
 * because a batch command can only be a query string. Using the same encoding for plain calls
 * means a parameter that works in a plain call works the same inside a batch.
 * - `null`/`undefined` are left out, as are empty arrays and objects (PHP cannot express them);
 * - booleans become `1`/`0` (PHP's `(bool)"0"` is false; `"false"` would be true);
 *   methods documented with `Y`/`N` take those strings, and the method map types say so;
 * - dates become ISO 8601.
 */
export type Params = Record<string, unknown>;

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot encode non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function append(out: string[], key: string, value: unknown, depth: number): void {
  if (depth > 32) throw new TypeError('Parameters nest deeper than 32 levels (a cycle?)');
  const text = scalar(value);
  if (text !== undefined) {
    out.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      append(out, `${key}[${index}]`, item, depth + 1);
    });
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) append(out, `${key}[${name}]`, item, depth + 1);
    return;
  }
  if (value !== null && value !== undefined) throw new TypeError(`Cannot encode a ${typeof value} parameter`);
}

export function encodeParams(params: Params | undefined): string {
  if (!params) return '';
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) append(out, key, value, 0);
  return out.join('&');
}

/** A batch command string: `user.get?FILTER%5B%3EID%5D=5`. */
export function encodeCommand(method: string, params: Params | undefined): string {
  const query = encodeParams(params);
  return query ? `${method}?${query}` : method;
}
