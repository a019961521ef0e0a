import { runInNewContext } from 'node:vm';
import { parseHTML } from 'linkedom';

/** linkedom's document (the sandbox is compiled without the DOM lib). */
export type PageDocument = ReturnType<typeof parseHTML>['document'];
type PageElement = ReturnType<PageDocument['createElement']>;

export interface PageAnswer {
  status: number;
  location: string | null;
  setCookie: string[];
  text: string;
  document: PageDocument;
}

/** A cookie-keeping client for the sandbox's pages: redirects are returned, not followed. */
export class Browser {
  readonly cookies = new Map<string, string>();
  private readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  get sessionId(): string | undefined {
    return this.cookies.get('PHPSESSID');
  }

  async get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<PageAnswer> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    const setCookie = res.headers.getSetCookie();
    for (const line of setCookie) {
      const pair = line.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    return {
      status: res.status,
      location: res.headers.get('location'),
      setCookie,
      text,
      document: parseHTML(text).document,
    };
  }

  async signIn(userId: number): Promise<void> {
    const res = await this.get(`/auth/?user=${userId}`);
    if (res.status !== 302) throw new Error(`sign-in as ${userId} answered ${res.status}`);
  }
}

/** Runs the page's first inline <script> (the BX bootstrap) and returns the `BX` it defines. */
export function pageBX(doc: PageDocument): {
  message(key: string): string;
  bitrix_sessid(): string;
} {
  const script = doc.querySelector('head script')?.textContent ?? '';
  const window: Record<string, unknown> = {};
  runInNewContext(script, { window });
  return window.BX as ReturnType<typeof pageBX>;
}

export function all(doc: PageDocument | PageElement, selector: string): PageElement[] {
  return [...doc.querySelectorAll(selector)];
}
