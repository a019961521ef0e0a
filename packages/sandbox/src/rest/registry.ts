import type { App } from '../apps/types.ts';
import type { AccessToken } from '../oauth/tokens.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import type { Params } from './params.ts';

export interface MethodResult {
  result: unknown;
  total?: number | undefined;
  next?: number | undefined;
}

/**
 * How the call was authorised: an incoming webhook (local-integrations/local-webhooks.md) or an
 * application's OAuth access token (settings/oauth/index.md). Methods that need "application
 * context" (placement.*, app.info) refuse webhooks.
 */
export type CallerAuth = { type: 'webhook' } | { type: 'oauth'; app: App; token: AccessToken };

export const WEBHOOK_AUTH: CallerAuth = { type: 'webhook' };

export interface MethodContext {
  portal: SandboxRuntime;
  /** The webhook's or the token's user: calls run with their rights. */
  caller: User;
  auth: CallerAuth;
  params: Params;
  method: string;
}

export interface MethodDef {
  /** Canonical name; lookup is case-insensitive, as on the portal. */
  name: string;
  handler: (ctx: MethodContext) => MethodResult | Promise<MethodResult>;
  /** Parameter names whose value identifies the call's target, for the per-target counters. */
  targets?: string[];
}

/** Parameters that usually name a call's target, in order of preference. */
export const DEFAULT_TARGETS = [
  'ID',
  'MESSAGE_ID',
  'POST_ID',
  'COMMENT_ID',
  'TASKID',
  'TASK_ID',
  'CHAT_ID',
  'DIALOG_ID',
  'USER_ID',
];

export function ok(result: unknown, extra: { total?: number; next?: number } = {}): MethodResult {
  return { result, ...extra };
}

export class MethodRegistry {
  private readonly methods = new Map<string, MethodDef>();

  add(defs: MethodDef[]): this {
    for (const d of defs) this.methods.set(d.name.toLowerCase(), d);
    return this;
  }

  get(name: string): MethodDef | undefined {
    return this.methods.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.methods.values()].map((d) => d.name);
  }
}
