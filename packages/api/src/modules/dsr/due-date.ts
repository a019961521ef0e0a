/** GDPR Art. 12(3): one month from receipt. Calendar months, clamped to the month's last day (31 Jan → 28/29 Feb). */
export function dueDate(received: Date): Date {
  const due = new Date(received);
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}
