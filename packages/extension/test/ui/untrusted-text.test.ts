import { h, render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { ErasurePlan } from '../../src/ui/ErasurePlan.tsx';
import { WordDiff } from '../../src/ui/edits/WordDiff.tsx';

vi.mock('#i18n', () => import('../console/support/i18n.ts'));

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('portal text in the injected UI', () => {
  it('renders diff parts as text in ins/del/span, never as markup', () => {
    const container = document.createElement('div');
    render(
      h(WordDiff, {
        parts: [
          { kind: 'UNCHANGED', text: 'a ' },
          { kind: 'REMOVED', text: 'b' },
          { kind: 'ADDED', text: HOSTILE },
        ],
      }),
      container,
    );
    const diff = container.querySelector('[data-testid="edit-diff"]')!;
    expect(diff.querySelector('img')).toBeNull();
    expect(diff.querySelector('ins')?.textContent).toBe(HOSTILE);
    expect(diff.querySelector('del')?.textContent).toBe('b');
    expect(diff.querySelector('span')?.textContent).toBe('a ');
  });

  it('renders the erasure plan (categories, what is kept and why, notes) as text', () => {
    const container = document.createElement('div');
    render(
      h(ErasurePlan, {
        preview: {
          categories: [
            { category: 'posts', toDelete: 3, kept: 1 },
            { category: 'messages', toDelete: 0, kept: 2 },
          ],
          kept: [
            { category: 'posts', portalId: '9', label: HOSTILE, reason: 'Someone else commented on it.' },
            { category: 'messages', portalId: null, label: '', reason: HOSTILE },
          ],
          notes: [HOSTILE],
        } as Parameters<typeof ErasurePlan>[0]['preview'],
      }),
      container,
    );
    expect(container.querySelector('img')).toBeNull();
    const rows = [...container.querySelectorAll('[data-testid^="erase-category-"]')].map((row) =>
      [...row.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['posts', '3', '1'],
      ['messages', '0', '2'],
    ]);
    const kept = [...container.querySelectorAll('[data-testid="erase-kept"] li')].map((li) => li.textContent);
    expect(kept).toEqual([`posts: ${HOSTILE} — Someone else commented on it.`, `messages — ${HOSTILE}`]);
    expect(container.textContent).toContain(`page.erase.notes${HOSTILE}`);
  });
});
