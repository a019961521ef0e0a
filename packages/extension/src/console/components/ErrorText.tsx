import type { OutcomeError } from '../../messaging/protocol.ts';

/** An API failure in plain words; the message is the API's text, shown as text. */
export function ErrorText({
  error,
  testId,
}: {
  error: OutcomeError | string | null | undefined;
  testId?: string;
}) {
  if (!error) return null;
  return (
    <p class="error" role="alert" data-testid={testId}>
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
