import path from 'node:path';
import { CHROME_EXTENSION_ORIGIN, EXTENSION_ORIGIN_PATTERN } from '@b24-gdpr/shared';
import { z } from 'zod';
import { operatorPath } from './invocation-dir.ts';
import { isAppSecret, isSigningKey, tokenKeyBytes } from './key-values.ts';

/** Repository root: the default data folder lives here so `pnpm start` from any package finds the same data. */
const repoRoot = path.resolve(import.meta.dirname, '../../../..');

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const port = z.coerce.number().int().min(0).max(65535);

/** `a, b,c` → ['a', 'b', 'c']; unset or empty → [] (or the fallback's list). */
const commaList = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** Every setting the API reads, with its environment variable as the key. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(4000),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  /** Relative to where the operator ran the command (not packages/api, where pnpm runs our scripts). */
  DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  BITRIX24_WEBHOOK_URL: optionalUrl(['http', 'https']),
  BITRIX24_ADMIN_WEBHOOK_URLS: commaList().refine((urls) => urls.every((u) => /^https?:\/\//.test(u)), {
    message: 'must be comma-separated http(s) URLs',
  }),
  /** Origins besides the browser extension's that may call /graphql and the downloads, e.g. https://console.example.com. */
  CORS_ORIGINS: commaList().refine((origins) => origins.every((o) => /^https?:\/\/[^/]+$/.test(o)), {
    message: 'must be comma-separated origins such as https://console.example.com (no path)',
  }),
  /**
   * The browser extension's origins that may call the API; by default only our Chromium build's (its id
   * is fixed by the manifest key). A store listing or a Firefox installation has its own; list each.
   */
  EXTENSION_ORIGINS: commaList(CHROME_EXTENSION_ORIGIN).refine(
    (origins) => origins.every((o) => EXTENSION_ORIGIN_PATTERN.test(o)),
    {
      message: 'must be comma-separated extension origins such as chrome-extension://<32 letters a-p>',
    },
  ),
  /**
   * The native pages' prebuilt bundle (page.js, page.css; `pnpm --filter @b24-gdpr/extension build:pages`).
   * Unset: built from packages/extension into its .output/app-page when the API starts.
   */
  APP_PAGE_ASSETS_DIR: z.string().optional(),
  /**
   * `app`: a Bitrix24 application (OAuth; every user's own token from the portal's frames); `webhook`:
   * incoming webhooks (BITRIX24_WEBHOOK_URL). Unset: `webhook` when BITRIX24_WEBHOOK_URL is set, else `app`
   * (on the in-process sandbox when no real portal is configured). See `portalMode`.
   */
  BITRIX24_MODE: z.enum(['app', 'webhook']).optional(),
  /** The application's OAuth keys: a local application's from its portal, a Market app's from the partner area. */
  BITRIX24_CLIENT_ID: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  BITRIX24_CLIENT_SECRET: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  /**
   * The portal the application may be installed from (application mode with BITRIX24_CLIENT_ID): its host as
   * users know it, e.g. `example.bitrix24.de` (a port only if the portal has one). An install whose
   * `client_endpoint` is not `https://<this host>/rest/` is refused before anything is asked or stored.
   */
  BITRIX24_PORTAL_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || isPortalHost(v), {
      message: 'must be the portal host, e.g. example.bitrix24.de (no scheme, path or user)',
    }),
  /**
   * `app.info` CODE of the application when it is not its client id (a Market application's code); a local
   * application's CODE is its client id (rest/lib/app.php AppTable::onAfterAdd sets CODE = client_id).
   */
  BITRIX24_APP_CODE: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  /** The token URL; default Bitrix24's `https://oauth.bitrix.info/oauth/token/` (BITRIX24-APPS.md §1), never the install's `server_endpoint`. */
  BITRIX24_OAUTH_URL: optionalUrl(['http', 'https']),
  /** Where the portal reaches our handlers (/bitrix24/app/...); default PUBLIC_URL, else the listening address. */
  APP_PUBLIC_URL: optionalUrl(['http', 'https']),
  /**
   * The AES-256-GCM key of the stored portal tokens: 32 bytes as base64 or 64 hex digits. Default: the
   * 0600 file `token-key` in the keys folder (AUDIT_KEYS_DIR), made on the API's first start.
   */
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || tokenKeyBytes(v) !== null, {
      message: 'must be 32 bytes as base64 or as 64 hex digits',
    }),
  /** Days an uninstalled portal's records are kept before the purge job deletes them (0: at the next run). */
  APP_UNINSTALL_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /**
   * Background-worker frames whose token is new to us cost one `profile` call each (the frame names no
   * user); at most this many a minute are spent on them, the rest are answered and dropped.
   */
  APP_BACKGROUND_VERIFY_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(30),
  /**
   * Of that budget, at most this many a minute for frames from one client address, so one sender of
   * made-up tokens cannot spend the whole minute's budget (an office behind one NAT still gets its
   * tokens: one per user lasts 180 days, and a later page brings it again). The address is the socket's
   * peer, as for every per-IP limit here: behind a reverse proxy all frames share one, so set it to the
   * whole budget there.
   */
  APP_BACKGROUND_VERIFY_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(10),
  /** A user's administrator role (profile.ADMIN with their own token) is re-checked at most this often. */
  APP_ADMIN_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BITRIX24_PLAN: z.enum(['standard', 'enterprise']).default('standard'),
  BITRIX24_APPLICATION_TOKEN: z.string().optional(),
  SANDBOX_PORT: port.default(0),
  /** A running sandbox portal to use instead of starting one (separate worker processes attach to the API's). */
  SANDBOX_URL: optionalUrl(['http']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  /** Sender of the weekly audit report mails. */
  REPORT_FROM: z.string().trim().default('b24-gdpr <b24-gdpr@localhost>'),
  /** false: this process serves HTTP only and separate `worker` processes run the jobs. */
  JOBS_IN_PROCESS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How long a runner holds a request between checkpoints before another worker may take it over. */
  DSR_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** How often workers look for requests nobody is running. */
  DSR_SWEEP_SECONDS: z.coerce.number().min(0.2).max(3600).default(30),
  /**
   * The folder of the audit signing key, the public keys it replaced and the app secret (default
   * DATA_DIR/keys); relative to where the operator ran the command.
   */
  AUDIT_KEYS_DIR: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  /** The app secret (keyed commitments and pseudonyms) as base64 of 32 or more bytes, instead of the file. */
  APP_SECRET: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || isAppSecret(v), {
      message: 'must be base64 of 32 or more random bytes',
    }),
  /** The Ed25519 signing key (PEM, or base64 of its PKCS#8 DER) instead of the file. */
  AUDIT_SIGNING_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || isSigningKey(v), {
      message: 'must be an Ed25519 private key: PEM, or base64 of its PKCS#8 DER',
    }),
  /** Runs ending in a transient failure before a request is marked FAILED. */
  DSR_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** The audit log signs a new tree head on demand at most this often (auditTreeHead, proofs). */
  AUDIT_HEAD_INTERVAL_SECONDS: z.coerce.number().min(0).max(86_400).default(10),
  /** When the publisher signs a head (if the log grew) and sends it to every channel (cron, UTC): hourly. */
  AUDIT_PUBLISH_CRON: z
    .string()
    .trim()
    .default('7 * * * *')
    .refine((v) => v.split(/\s+/).length === 5, { message: 'must be a cron expression of five fields' }),
  /** Witnesses the publisher POSTs each head to (modules/audit-publish/README.md has the protocol). */
  AUDIT_WITNESS_URLS: commaList().refine((urls) => urls.every((u) => /^https?:\/\//.test(u)), {
    message: 'must be comma-separated http(s) URLs',
  }),
  /** Each witness's Ed25519 public key (base64 SPKI DER), in the order of AUDIT_WITNESS_URLS. */
  AUDIT_WITNESS_KEYS: commaList(),
});

export type Config = z.infer<typeof configSchema>;

const SECRET_VARIABLES = new Set([
  'APP_SECRET',
  'AUDIT_SIGNING_KEY',
  'TOKEN_ENCRYPTION_KEY',
  'BITRIX24_CLIENT_SECRET',
]);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the first bad variable becomes one line that names it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    const { DATA_DIR: dir, AUDIT_KEYS_DIR: keys } = parsed.data;
    // A real application without a named portal would adopt whichever portal posts an install first.
    if (
      portalMode(parsed.data) === 'app' &&
      parsed.data.BITRIX24_CLIENT_ID &&
      !parsed.data.BITRIX24_PORTAL_DOMAIN
    )
      throw new ConfigError(
        'Missing BITRIX24_PORTAL_DOMAIN: application mode with BITRIX24_CLIENT_ID needs the host of the portal ' +
          'the application is installed on, e.g. BITRIX24_PORTAL_DOMAIN=example.bitrix24.de',
      );
    return {
      ...parsed.data,
      DATA_DIR: dir.includes('://') ? dir : operatorPath(dir, env),
      AUDIT_KEYS_DIR: keys === undefined ? undefined : operatorPath(keys, env),
    };
  }
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'configuration');
  // Keys are never echoed back, not even a bad one.
  const raw = SECRET_VARIABLES.has(variable) ? undefined : env[variable];
  throw new ConfigError(
    `Invalid ${variable}: ${issue.message}${raw === undefined ? '' : ` (got ${JSON.stringify(redactUrl(raw))})`}`,
  );
}

/** Webhook codes and database passwords are secrets: never echo them back. */
export function redactUrl(value: string): string {
  return value.replace(/(\/rest\/\d+\/)[^/]+/g, '$1***').replace(/(\/\/[^:/@]+:)[^@]+@/g, '$1***@');
}

export function publicUrl(config: Config, boundPort: number): string {
  return config.PUBLIC_URL ?? `http://${config.HOST}:${boundPort}`;
}

/** A host with an optional port, nothing else: `new URL('https://' + host).host` gives it back unchanged. */
function isPortalHost(value: string): boolean {
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(value)) return false;
  try {
    return new URL(`https://${value}`).host === value;
  } catch {
    return false;
  }
}

export type PortalMode = 'app' | 'webhook';

/** BITRIX24_MODE, or what the configuration implies: a webhook URL means webhook mode. */
export function portalMode(config: Pick<Config, 'BITRIX24_MODE' | 'BITRIX24_WEBHOOK_URL'>): PortalMode {
  return config.BITRIX24_MODE ?? (config.BITRIX24_WEBHOOK_URL ? 'webhook' : 'app');
}
