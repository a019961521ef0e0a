import { type ComponentChild, render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import {
  createShadowRootUi,
  type ShadowRootContentScriptUiOptions,
} from 'wxt/utils/content-script-ui/shadow-root';

export type ShadowUi = Awaited<ReturnType<typeof createShadowRootUi>>;

/** `Omit` over each member of a union (WXT's options are a union of positioning modes). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type UiOptions = DistributiveOmit<
  ShadowRootContentScriptUiOptions<HTMLElement>,
  'onMount' | 'onRemove' | 'mode'
> & { view: () => ComponentChild };

/**
 * A Preact tree in an open shadow root (WXT's `createShadowRootUi`, the entry's CSS inside it): the
 * page's CSS cannot reach it, ours cannot leak out, Playwright can pierce it. `view` runs at each
 * mount, so an auto-mounted UI reads the page it lands on; removing the UI unmounts the tree.
 */
export function createPreactUi(ctx: ContentScriptContext, options: UiOptions): Promise<ShadowUi> {
  const { view, ...rest } = options;
  return createShadowRootUi(ctx, {
    ...rest,
    mode: 'open',
    onMount(container) {
      render(view(), container);
      return container;
    },
    onRemove(container) {
      if (container) render(null, container);
    },
  });
}

/**
 * A UI at the page's body that is shown and hidden as a whole (the banner, the notice, dialogs);
 * created on first show. `show` draws `view` afresh.
 */
export function createBodyUi(
  ctx: ContentScriptContext,
  name: string,
  append: 'first' | 'last',
  view: () => ComponentChild,
) {
  let ui: Promise<ShadowUi> | null = null;
  return {
    async show(): Promise<void> {
      ui ??= createPreactUi(ctx, { name, position: 'inline', anchor: 'body', append, view });
      const shown = await ui;
      shown.remove();
      shown.mount();
    },
    async hide(): Promise<void> {
      (await ui)?.remove();
    },
  };
}
