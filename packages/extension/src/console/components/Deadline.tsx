import { i18n } from '#i18n';
import { deadlineColour } from '../deadline.ts';

/** Days left to the GDPR deadline, coloured by urgency; finished requests have no deadline left. */
export function Deadline(props: { id: string; daysLeft: number; finished: boolean }) {
  if (props.finished) {
    return (
      <span class="deadline done" data-testid={`deadline-${props.id}`}>
        —
      </span>
    );
  }
  const colour = deadlineColour(props.daysLeft);
  return (
    <span class={`deadline deadline-${colour}`} data-colour={colour} data-testid={`deadline-${props.id}`}>
      {props.daysLeft >= 0
        ? i18n.t('console.requests.daysLeft', [String(props.daysLeft)])
        : i18n.t('console.requests.overdue', [String(-props.daysLeft)])}
    </span>
  );
}
