import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** An event handler on loopback that keeps every form body the portal posts to it. */
export interface Receiver {
  url: string;
  /** Every request: its form body, content type and path with query (`/b24/install?DOMAIN=…`). */
  received: { body: URLSearchParams; type: string; path: string }[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      received.push({
        body: new URLSearchParams(raw),
        type: req.headers['content-type'] ?? '',
        path: req.url ?? '',
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
