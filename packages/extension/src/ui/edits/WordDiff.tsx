import type { OperationResult } from '../../api/operations.ts';

type EditHistory = Extract<OperationResult<'EditHistory'>['editHistory'], { __typename: 'EditHistory' }>;
export type HistoryVersion = EditHistory['versions'][number];
export type DiffPart = HistoryVersion['diff'][number];

/**
 * A word diff as text nodes in `<ins>`, `<del>` and `<span>`: the parts are portal text (untrusted),
 * so they are only ever Preact text children, never markup.
 */
export function WordDiff(props: { parts: DiffPart[] }) {
  return (
    <div class="diff" data-testid="edit-diff">
      {props.parts.map((part, i) =>
        part.kind === 'ADDED' ? (
          <ins key={i}>{part.text}</ins>
        ) : part.kind === 'REMOVED' ? (
          <del key={i}>{part.text}</del>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </div>
  );
}
