import { browser } from 'wxt/browser';
import { fail, ok } from '../api/outcome.ts';
import { type Outcome, onMessage } from '../messaging/protocol.ts';
import { apiUrlItem, tokenItem } from '../storage/items.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Downloads a weekly audit report (`GET /audit/reports/:id/download`). The route wants a bearer
 * token, which only the background holds: it goes in a header, never in the URL, and only to the
 * API's own address. The API answers with the file name (`audit-week-<week>.zip`).
 */
export async function downloadReport(data: { reportId: unknown }): Promise<Outcome<{ downloadId: number }>> {
  if (typeof data?.reportId !== 'string' || !UUID.test(data.reportId))
    return fail({ kind: 'invalid', field: 'reportId', message: 'No such report.' });
  const [apiUrl, token] = await Promise.all([apiUrlItem.getValue(), tokenItem.getValue()]);
  if (!apiUrl || !token) return fail({ kind: 'auth', message: 'Sign in first.' });
  try {
    const downloadId = await browser.downloads.download({
      url: `${apiUrl}/audit/reports/${data.reportId}/download`,
      headers: [{ name: 'Authorization', value: `Bearer ${token}` }],
    });
    return ok({ downloadId });
  } catch (error) {
    return fail({ kind: 'unknown', message: `The download did not start: ${String(error)}` });
  }
}

/** Registered from background/main.ts; kept apart from the export downloads (downloads.ts). */
export function startReportDownloads(): void {
  onMessage('downloadReport', ({ data }) => downloadReport(data));
}
