import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from './browser.ts';
import type { Stack } from './stack.ts';

const CODE_MESSAGE = /sign-in code is (\d{6})\b/;

/**
 * The newest one-time sign-in code the API sent the user, read as the user reads it: from their
 * Bitrix24 notifications in the sandbox (`im.notify.system.add`). `after` skips codes already seen.
 */
export async function codeSentTo(stack: Stack, userId: number, after = 0): Promise<string> {
  const message = await waitFor(() => {
    const codes = codeNotifications(stack, userId);
    return codes.length > after ? codes.at(-1) : undefined;
  }, `a sign-in code for user ${userId}`);
  return CODE_MESSAGE.exec(message)![1]!;
}

/** How many sign-in codes the user has been sent so far. */
export function codesSent(stack: Stack, userId: number): number {
  return codeNotifications(stack, userId).length;
}

function codeNotifications(stack: Stack, userId: number): string[] {
  return [...stack.api.portal.state.notifications.values()]
    .filter((n) => n.userId === userId && CODE_MESSAGE.test(n.message))
    .map((n) => n.message);
}

/** A new tab signed in to the sandbox portal as `userId` (its `/auth/?user=N`), showing `path`. */
export async function openPortalAs(context: BrowserContext, stack: Stack, userId: number, path: string) {
  const page = await context.newPage();
  await page.goto(stack.api.portal.pages.signInUrl(userId, path));
  return page;
}

/** Signs the browser's portal session in as another user, then shows `path`. */
export async function switchPortalUser(page: Page, stack: Stack, userId: number, path: string) {
  await page.goto(stack.api.portal.pages.signInUrl(userId, path));
}

/**
 * Posts to the Live Feed as `authorId` and edits the post through the portal's REST API, so the
 * API stores its versions the production way: the sandbox delivers ONLIVEFEEDPOST* events to the
 * API's handler, which fetches the post and records a version. Returns the post id once every
 * version is stored.
 */
export async function postAndEdit(stack: Stack, authorId: number, texts: string[]): Promise<number> {
  const { api } = stack;
  const [first, ...edits] = texts;
  if (first === undefined) throw new Error('postAndEdit needs the first text');
  await bindPortalEvents(stack);
  const author = api.services.portal.asUser(authorId)!;
  const postId = Number(await author.call('log.blogpost.add', { POST_MESSAGE: first, DEST: ['UA'] }));
  await processEvents(stack);
  for (const text of edits) {
    await author.call('log.blogpost.update', { POST_ID: postId, POST_MESSAGE: text });
    // Events carry only ids: each edit is fetched before the next, so each becomes its own version.
    await processEvents(stack);
  }
  const versions = await api.services.edits.history(api.services.orm.em.fork(), {
    entityType: 'POST',
    entityId: String(postId),
  });
  if (versions.length !== texts.length) {
    throw new Error(`post ${postId}: ${versions.length} versions stored, ${texts.length} expected`);
  }
  return postId;
}

const bound = new WeakSet<Stack>();
async function bindPortalEvents(stack: Stack): Promise<void> {
  if (bound.has(stack)) return;
  await stack.api.services.portalEvents.bindHandlers();
  bound.add(stack);
}

/** Waits until the sandbox delivered its events and the API turned them into versions. */
async function processEvents(stack: Stack): Promise<void> {
  const { api } = stack;
  await api.portal.events.flush();
  await api.services.portalEvents.settled();
  await api.services.portalEvents.drain();
}
