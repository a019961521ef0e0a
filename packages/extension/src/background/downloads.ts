import { DataSubjectRequestDocument } from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';
import { fail, ok } from '../api/outcome.ts';
import type { Outcome } from '../messaging/protocol.ts';
import { apiUrlItem, tokenItem } from '../storage/items.ts';

/**
 * Downloads a finished export. The link the API gives is signed but opens nothing alone: the
 * download sends the bearer token as a header (never in the URL), and only to the API's own origin.
 */
export async function downloadExport(
  api: ApiClient,
  data: { requestId: string },
): Promise<Outcome<{ downloadId: number }>> {
  if (typeof data.requestId !== 'string')
    return fail({ kind: 'invalid', field: 'requestId', message: 'No request.' });
  const found = await api.execute(DataSubjectRequestDocument, { id: data.requestId });
  if (!found.ok) return found;
  const request = found.value.dataSubjectRequest;
  if (!request.download) {
    return fail({ kind: 'notFound', message: 'The export is not ready, or its link has expired.' });
  }
  const [apiUrl, token] = await Promise.all([apiUrlItem.getValue(), tokenItem.getValue()]);
  if (!apiUrl || !token) return fail({ kind: 'auth', message: 'Sign in first.' });
  if (new URL(request.download.url).origin !== new URL(apiUrl).origin) {
    return fail({
      kind: 'unknown',
      message: 'The download link points away from the API; it was not opened.',
    });
  }
  const downloadId = await browser.downloads.download({
    url: request.download.url,
    headers: [{ name: 'Authorization', value: `Bearer ${token}` }],
    filename: `personal-data-${request.subjectUserId ?? 'subject'}-${request.id.slice(0, 8)}.zip`,
  });
  return ok({ downloadId });
}
