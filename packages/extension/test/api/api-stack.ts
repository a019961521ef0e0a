/**
 * The real API (test database, sandbox portal, jobs) listening on 127.0.0.1 with a port that can go
 * down and come back: the e2e suite's stack (tests/support/stack.ts). Imported by path at run time
 * so the extension's typecheck (browser types, no Node) does not follow it into the API's sources;
 * the interface below is the part these tests use.
 */
export interface ApiStack {
  /** `http://127.0.0.1:PORT`. */
  apiUrl: string;
  api: {
    portal: {
      state: {
        notifications: Map<unknown, { userId: number; message: string }>;
        users: Map<number, { NAME: string; LAST_NAME: string }>;
      };
    };
    tokenFor(userId: number): Promise<string>;
    /** Through every HTTP layer without a socket. */
    fetch(path: string, init?: RequestInit): Promise<Response>;
    gql<T = Record<string, any>>(
      query: string,
      variables?: Record<string, unknown>,
      options?: { token?: string },
    ): Promise<{ status: number; data?: T; errors?: { message: string }[] }>;
  };
  /** GraphQL requests whose document asks for `field` at the top level. */
  requestsFor(field: string): { variables: Record<string, unknown> }[];
  stopHttp(): Promise<void>;
  startHttp(): Promise<void>;
  close(): Promise<void>;
}

export async function startApiStack(): Promise<ApiStack> {
  const stackModule = new URL('../../../../tests/support/stack.ts', import.meta.url).pathname;
  const { startStack } = (await import(/* @vite-ignore */ stackModule)) as {
    startStack(): Promise<ApiStack>;
  };
  return startStack();
}

const CODE_MESSAGE = /sign-in code is (\d{6})\b/;

/** The newest sign-in code the sandbox sent `userId` as a notification, read the way a person does. */
export async function signInCodeFor(stack: ApiStack, userId: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const code = [...stack.api.portal.state.notifications.values()]
      .filter((n) => n.userId === userId)
      .map((n) => CODE_MESSAGE.exec(n.message)?.[1])
      .filter(Boolean)
      .at(-1);
    if (code) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no sign-in code for user ${userId}`);
}
