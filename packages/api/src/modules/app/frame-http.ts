import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { escapeHtml } from '../../http/escape-html.ts';
import type { FrameInput } from './verify-frame.ts';

/** The frame's query and form body (the body was read, and checked, by http/input-shape.ts). */
export async function readFrame(c: Context): Promise<FrameInput> {
  const form = c.req.method === 'POST' ? new URLSearchParams(await c.req.text()) : new URLSearchParams();
  return { form, query: new URL(c.req.url).searchParams };
}

/**
 * A frame's answer: framed by the portal only (`frame-ancestors` its origin), nothing loaded from
 * anywhere, scripts only with this answer's nonce, never cached, no referrer. `script` is trusted code of
 * ours; data for it goes through `jsonForScript`.
 */
export function framePage(
  c: Context,
  options: {
    title: string;
    body?: string;
    script?: string;
    portalOrigin?: string | null;
    status?: 200 | 400 | 401 | 403 | 503;
  },
): Response {
  const nonce = randomBytes(16).toString('base64');
  const ancestors = options.portalOrigin ?? "'none'";
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head><body>${options.body ?? ''}${
    options.script ? `<script nonce="${nonce}">${options.script}</script>` : ''
  }</body></html>`;
  return c.html(html, options.status ?? 200, {
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
}

/** JSON that is safe inside a <script> element (no `</script>`, no line separators). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
