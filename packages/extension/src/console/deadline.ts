/** How urgent a request's deadline looks: amber under 10 days left, red under 5 (or overdue). */
export type DeadlineColour = 'green' | 'amber' | 'red';

export function deadlineColour(daysLeft: number): DeadlineColour {
  if (daysLeft < 5) return 'red';
  if (daysLeft < 10) return 'amber';
  return 'green';
}
