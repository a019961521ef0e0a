import { i18n } from '#i18n';
import { ListStatus } from '../components/ListStatus.tsx';
import { formatDateTime, fullName } from '../format.ts';
import { useOperation } from '../use-operation.ts';

/** The API lists at most this many employees; the counts cover everyone. */
const LISTED = 200;

/**
 * Whose chat edits are captured: employees whose chat log cannot be read (no credentials of theirs, or
 * credentials the portal refuses), with the reason the API gives. Portal text: rendered as text only.
 */
export function ChatCaptureTab() {
  const [capture] = useOperation('ConsoleChatCapture', { first: LISTED });
  const value = capture.state === 'ready' ? capture.value.chatCapture : null;
  const rows = value?.uncaptured ?? [];
  return (
    <section data-testid="chat-capture">
      <p>{i18n.t('console.chats.intro')}</p>
      {value ? (
        <ul class="summary">
          <li data-testid="chat-capture-captured">
            {i18n.t('console.chats.captured', [String(value.captured)])}
          </li>
          <li data-testid="chat-capture-uncaptured">
            {i18n.t('console.chats.uncaptured', [String(value.uncapturedCount)])}
          </li>
          <li>{i18n.t('console.chats.lastPolled', [formatDateTime(value.lastPolledAt)])}</li>
        </ul>
      ) : null}
      <ListStatus result={capture} empty={rows.length === 0} emptyText={i18n.t('console.chats.none')} />
      {rows.length > 0 ? (
        <table class="list" data-testid="chat-capture-table">
          <thead>
            <tr>
              <th>{i18n.t('console.chats.employee')}</th>
              <th>{i18n.t('console.chats.state')}</th>
              <th>{i18n.t('console.chats.reason')}</th>
              <th>{i18n.t('console.chats.since')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.userId} data-testid={`chat-capture-row-${row.userId}`}>
                <td>{row.user ? fullName(row.user) : `#${row.userId}`}</td>
                <td>
                  {row.state === 'DEAD' ? i18n.t('console.chats.dead') : i18n.t('console.chats.missing')}
                </td>
                <td>{row.reason}</td>
                <td>{formatDateTime(row.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
