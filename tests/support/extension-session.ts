import type { ExtensionBrowser } from './browser.ts';
import { codeSentTo, codesSent } from './portal.ts';
import type { Stack } from './stack.ts';

/**
 * Signs the extension in as a portal user the way a person does, in the popup: the API address and
 * the login (the user id), "send code", the one-time code from their Bitrix24 notification, "sign in".
 * Resolves once the popup shows the signed-in user.
 */
export async function signInExtension(
  browser: ExtensionBrowser,
  stack: Stack,
  userId: number,
): Promise<void> {
  const popup = await browser.openExtensionPage('popup.html');
  try {
    const before = codesSent(stack, userId);
    await popup.getByTestId('api-url').fill(stack.apiUrl);
    await popup.getByTestId('login').fill(String(userId));
    await popup.getByTestId('send-code').click();
    const error = popup.getByTestId('sign-in-error');
    await popup.getByTestId('code').or(error).waitFor({ timeout: 15_000 });
    if (await error.isVisible()) throw new Error(`no code sent to ${userId}: ${await error.textContent()}`);
    const code = await codeSentTo(stack, userId, before);
    await popup.getByTestId('code').fill(code);
    await popup.getByTestId('sign-in').click();
    await popup.getByTestId('signed-in-user').or(error).waitFor({ timeout: 15_000 });
    if (await error.isVisible())
      throw new Error(`signing in as ${userId} failed: ${await error.textContent()}`);
  } finally {
    await popup.close();
  }
}

/** Signs the extension out from the popup. */
export async function signOutExtension(browser: ExtensionBrowser): Promise<void> {
  const popup = await browser.openExtensionPage('popup.html');
  try {
    await popup.getByTestId('sign-out').click();
    await popup.getByTestId('login').waitFor({ timeout: 15_000 });
  } finally {
    await popup.close();
  }
}

/** What the extension keeps in `chrome.storage.local` (src/storage/items.ts), read in its worker. */
export function extensionStorage(browser: ExtensionBrowser): Promise<Record<string, unknown>> {
  return browser.inWorker(() => chrome.storage.local.get(null));
}
