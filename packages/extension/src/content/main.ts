import type { ContentScriptContext } from 'wxt/utils/content-script-context';

/** Reads the page and mounts the injected UI that fits it. */
export function startContent(_ctx: ContentScriptContext): void {}
