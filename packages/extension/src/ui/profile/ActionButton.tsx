import type { ActionDecision } from './types.ts';

/**
 * One GDPR action: enabled when the API's decision allows it, otherwise disabled with the rule's
 * message underneath, so the employee learns why (settings, rights, administrator).
 */
export function ActionButton(props: {
  testId: string;
  label: string;
  decision: ActionDecision | undefined;
  busy: boolean;
  danger?: boolean;
  onClick: () => void;
}) {
  const allowed = props.decision?.allowed ?? false;
  const reason = !allowed ? (props.decision?.message ?? props.decision?.rule ?? null) : null;
  return (
    <div class="action">
      <button
        type="button"
        class={props.danger ? 'danger' : 'primary'}
        data-testid={`gdpr-${props.testId}`}
        data-rule={props.decision?.rule ?? undefined}
        disabled={!allowed || props.busy}
        onClick={props.onClick}
      >
        {props.label}
      </button>
      {reason !== null && (
        <p class="reason" data-testid={`gdpr-reason-${props.testId}`}>
          {reason}
        </p>
      )}
    </div>
  );
}
