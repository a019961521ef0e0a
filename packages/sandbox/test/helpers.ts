import { createSandboxPortal, type SandboxOptions, type SandboxPortal } from '../src/index.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown> & { result?: unknown; error?: string; total?: number; next?: number };
}

/** POSTs JSON params to a webhook method. */
export async function call(
  base: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Answer> {
  const res = await fetch(`${base}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** POSTs a raw form body (PHP-style keys). */
export async function callForm(base: string, method: string, form: string): Promise<Answer> {
  const res = await fetch(`${base}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

export async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** A portal without the rate limiter unless the test asks for one. */
export function startPortal(options: SandboxOptions = {}): Promise<SandboxPortal> {
  return createSandboxPortal({ rateLimit: false, ...options });
}
