import { diffWords } from 'diff';

export type DiffPartKind = 'ADDED' | 'REMOVED' | 'UNCHANGED';

/** One run of text in a word diff. Clients render `text` as text (textContent), never as HTML. */
export interface DiffPart {
  kind: DiffPartKind;
  text: string;
}

/** Beyond this many characters a word diff costs more than it tells: show old and new whole. */
const MAX_DIFF_CHARS = 100_000;
/** Give up on pathological inputs rather than block the event loop. */
const DIFF_TIMEOUT_MS = 200;

/** Word diff of two versions (`diff`'s diffWords), as structured parts. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const whole = (): DiffPart[] =>
    [
      { kind: 'REMOVED' as const, text: before },
      { kind: 'ADDED' as const, text: after },
    ].filter((part) => part.text !== '');
  if (before === after) return before === '' ? [] : [{ kind: 'UNCHANGED', text: before }];
  if (before.length + after.length > MAX_DIFF_CHARS) return whole();
  const changes = diffWords(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return whole();
  return changes.map((c) => ({
    kind: c.added ? 'ADDED' : c.removed ? 'REMOVED' : 'UNCHANGED',
    text: c.value,
  }));
}
