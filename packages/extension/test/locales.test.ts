// @vitest-environment node
import { readFileSync } from 'node:fs';
import { parseYAML } from 'confbox';
import { describe, expect, it } from 'vitest';

/** Dotted paths of every message in a locale file (the format @wxt-dev/i18n reads: nested maps). */
function messages(file: string): Map<string, string> {
  const tree = parseYAML(readFileSync(new URL(`../locales/${file}`, import.meta.url), 'utf8'));
  const out = new Map<string, string>();
  const walk = (node: unknown, path: string[]) => {
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    } else {
      out.set(path.join('.'), String(node));
    }
  };
  walk(tree, []);
  return out;
}

/** `$1`, `$2`… substitutions a message expects. */
const placeholders = (text: string) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort();

describe('locales', () => {
  const en = messages('en.yml');
  const de = messages('de.yml');

  it('German has every English message and no other', () => {
    expect(en.size).toBeGreaterThan(150);
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('each translation takes the same substitutions as the English message', () => {
    const mismatched = [...en].filter(([key, text]) => {
      const german = de.get(key);
      return german !== undefined && placeholders(german).join() !== placeholders(text).join();
    });
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });
});
