import { i18n } from '#i18n';
import type { OutcomeError } from '../messaging/protocol.ts';

/**
 * What to show for a failed call, as plain text. The API's own messages are English sentences meant
 * for people (a wrong code, a refused rule); the kinds the extension decides itself are translated.
 */
export function errorText(error: OutcomeError): string {
  switch (error.kind) {
    case 'network':
      return i18n.t('popup.errors.network');
    case 'auth':
      return i18n.t('popup.errors.auth');
    case 'invalid':
      return error.field === 'apiUrl' ? i18n.t('popup.errors.apiUrl') : error.message;
    default:
      return error.message;
  }
}
