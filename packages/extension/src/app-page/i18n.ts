import messages from 'virtual:b24-gdpr-page-messages';
import type { AppPageLanguage } from '@b24-gdpr/shared';

/**
 * Stands in for WXT's `#i18n` on the native pages (vite.pages.config.ts aliases it here): the same
 * keys and `$1` substitutions as `browser.i18n.getMessage`, from the extension's own locale files,
 * in the language the frame's LANG chose rather than the browser's.
 */
let language: AppPageLanguage = 'en';

export function setLanguage(lang: AppPageLanguage): void {
  language = lang;
}

function message(key: string): string {
  const id = key.replaceAll('.', '_');
  return messages[language][id] ?? messages.en[id] ?? '';
}

/** `$1`…`$9` become the substitutions; `$$` is a dollar sign, as in Chrome's messages. */
function substitute(text: string, substitutions: readonly string[]): string {
  return text.replace(/\$(\$|[1-9])/g, (_all, which: string) =>
    which === '$' ? '$' : (substitutions[Number(which) - 1] ?? ''),
  );
}

/** `t(key)`, `t(key, [subs])`, `t(key, count)`: WXT's signature, so the shared components compile unchanged. */
function t(key: string, ...args: (readonly string[] | number | undefined)[]): string {
  let substitutions: readonly string[] = [];
  let count: number | undefined;
  for (const arg of args) {
    if (typeof arg === 'number') count = arg;
    else if (Array.isArray(arg)) substitutions = arg;
  }
  if (count !== undefined && substitutions.length === 0) substitutions = [String(count)];
  let text = substitute(message(key), substitutions);
  if (count !== undefined) {
    const forms = text.split(' | ');
    text =
      forms.length === 2
        ? (forms[count === 1 ? 0 : 1] ?? text)
        : forms.length === 3
          ? (forms[Math.min(count, 2)] ?? text)
          : text;
  }
  return text;
}

export const i18n = { t };
