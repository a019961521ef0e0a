import { h, render } from 'preact';
import { describe, expect, it } from 'vitest';
import { WordDiff } from '../../src/ui/edits/WordDiff.tsx';

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
});
