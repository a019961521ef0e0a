// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The dotted key paths of a locale file's messages (nested YAML maps of plain scalars). */
function keyPaths(file: string): string[] {
  const text = readFileSync(new URL(`../../locales/${file}`, import.meta.url), 'utf8');
  const stack: { indent: number; key: string }[] = [];
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^( *)([A-Za-z0-9_]+):(.*)$/.exec(line);
    if (!match) continue;
    const indent = match[1]?.length ?? 0;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, key: match[2] ?? '' });
    if (match[3]?.trim()) paths.push(stack.map((s) => s.key).join('.'));
  }
  return paths;
}

describe('console strings', () => {
  it('exist in German for every English one, and the other way round', () => {
    const en = keyPaths('en.yml').filter((k) => k.startsWith('console.'));
    const de = keyPaths('de.yml').filter((k) => k.startsWith('console.'));
    expect(en.length).toBeGreaterThan(100);
    expect(de.sort()).toEqual(en.sort());
  });
});
