import { Window } from 'happy-dom';
import { vi } from 'vitest';

/**
 * A happy-dom window made by hand: these tests run in Node (the real API and its dependencies load
 * untransformed only there), and the console renders into this window's document.
 */
export function installDom(url = 'chrome-extension://console-test/console.html'): Window {
  const window = new Window({ url });
  Object.assign(globalThis, {
    window,
    document: window.document,
    location: window.location,
    Event: window.Event,
    HTMLElement: window.HTMLElement,
    HTMLInputElement: window.HTMLInputElement,
    Node: window.Node,
  });
  return window;
}

/** The element with this `data-testid`, once it is there (the API answers asynchronously). */
export function findByTestId<T extends Element = HTMLElement>(root: ParentNode, testId: string): Promise<T> {
  return vi.waitFor(
    () => {
      const element = root.querySelector(`[data-testid="${testId}"]`);
      if (!element) throw new Error(`no [data-testid="${testId}"] yet`);
      return element as unknown as T;
    },
    { timeout: 20_000, interval: 20 },
  );
}

export const queryByTestId = <T extends Element = HTMLElement>(root: ParentNode, testId: string): T | null =>
  root.querySelector(`[data-testid="${testId}"]`) as T | null;

/** Types into an input or picks an option, as a person would: the value, then the event Preact listens to. */
export function typeInto(
  element: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  value: string,
): void {
  element.value = value;
  const type = element.tagName === 'SELECT' ? 'change' : 'input';
  element.dispatchEvent(new (globalThis.Event as typeof Event)(type, { bubbles: true }));
}

/** Waits until `check` stops throwing (an assertion about what the page shows now). */
export const eventually = <T>(check: () => T | Promise<T>): Promise<T> =>
  vi.waitFor(check, { timeout: 20_000, interval: 20 });
