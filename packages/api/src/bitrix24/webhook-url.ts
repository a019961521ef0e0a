/**
 * Incoming-webhook URLs: `https://PORTAL/rest/{USER_ID}/{CODE}/`.
 * The CODE is a password with the rights of the employee who created the hook, so everything
 * that may end up in a log or an error message goes through `redact()`.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const MASK = '***';

/**
 * A parsed webhook. The code lives in private fields so that `util.inspect`, `JSON.stringify`
 * and loggers that walk objects cannot reach it; only `methodUrl()` hands it out.
 */
export class WebhookEndpoint {
  /** `https://portal.example` — identifies the portal (and its rate-limit bucket). */
  readonly origin: string;
  readonly userId: number;
  /** The base URL with the code replaced by `***`, safe to print. */
  readonly safeBase: string;
  readonly #secret: string;
  readonly #base: string;

  constructor(origin: string, userId: number, secret: string) {
    this.origin = origin;
    this.userId = userId;
    this.#secret = secret;
    this.#base = `${origin}/rest/${userId}/${encodeURIComponent(secret)}/`;
    this.safeBase = `${origin}/rest/${userId}/${MASK}/`;
  }

  /** The URL to POST a method call to. Contains the secret: never log it. */
  methodUrl(method: string): string {
    return `${this.#base}${method}.json`;
  }

  /** Replaces every occurrence of the webhook code in `text`. */
  redact(text: string): string {
    if (!this.#secret) return text;
    let out = text.split(this.#secret).join(MASK);
    const encoded = encodeURIComponent(this.#secret);
    if (encoded !== this.#secret) out = out.split(encoded).join(MASK);
    return out;
  }

  toJSON(): { origin: string; userId: number; base: string } {
    return { origin: this.origin, userId: this.userId, base: this.safeBase };
  }
}

export interface ParseWebhookOptions {
  /**
   * Plain http is refused (the portal answers `INVALID_REQUEST: Https required` anyway and the
   * code would cross the network in clear) except on loopback, where the sandbox listens.
   */
  allowInsecureHttp?: boolean;
}

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
}

export function parseWebhookUrl(raw: string, options: ParseWebhookOptions = {}): WebhookEndpoint {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // The input may be a mistyped URL that still holds the code: do not echo it.
    throw new WebhookUrlError('Webhook URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookUrlError(`Webhook URL must use https, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !options.allowInsecureHttp && !LOOPBACK.has(url.hostname)) {
    throw new WebhookUrlError(`Webhook URL for ${url.host} must use https`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new WebhookUrlError(`Webhook URL for ${url.host} must not carry a query, fragment or credentials`);
  }
  const parts = url.pathname.split('/').filter(Boolean);
  // Some people paste the URL of a concrete method (…/CODE/user.get.json); accept and strip it.
  if (parts.length === 4 && parts[0] === 'rest' && /^[a-z][\w.]*$/i.test(parts[3] ?? '')) parts.pop();
  const [rest, userIdText, code] = parts;
  if (parts.length !== 3 || rest !== 'rest' || !userIdText || !code) {
    throw new WebhookUrlError(`Webhook URL for ${url.host} must look like /rest/{USER_ID}/{CODE}/`);
  }
  if (!/^\d+$/.test(userIdText)) {
    throw new WebhookUrlError(`Webhook URL for ${url.host}: USER_ID must be numeric`);
  }
  return new WebhookEndpoint(url.origin, Number(userIdText), decodeURIComponent(code));
}
