import { DataSubjectRequestDocument } from '@b24-gdpr/shared/graphql';
import { createApiClient } from '../api/client.ts';
import { isOperationName, operations } from '../api/operations.ts';
import { fail, ok } from '../api/outcome.ts';
import type { ApiTransport } from '../api/transport.ts';
import { relayProgress } from '../background/progress.ts';

/**
 * The native pages' way to the API: the same typed client as the extension's background, against
 * our own origin (the frame is served by the API), with the frame session's token.
 */
export function createPageTransport(token: string): ApiTransport {
  const api = createApiClient({ apiUrl: async () => location.origin, token: async () => token });
  return {
    graphql(call) {
      if (!isOperationName(call.operation))
        return Promise.resolve(fail({ kind: 'invalid', field: 'operation', message: 'Unknown operation.' }));
      const document = operations[call.operation] as (typeof operations)['Me'];
      return api.execute(document, call.variables as Record<string, never>);
    },
    followProgress(requestId, onUpdate) {
      const abort = new AbortController();
      relayProgress(api, requestId, onUpdate, abort.signal).catch(() => {
        if (!abort.signal.aborted)
          onUpdate({ type: 'error', error: { kind: 'network', message: 'The progress stream broke.' } });
      });
      return () => abort.abort();
    },
    async downloadExport(requestId) {
      const found = await api.execute(DataSubjectRequestDocument, { id: requestId });
      if (!found.ok) return found;
      const request = found.value.dataSubjectRequest;
      if (!request.download)
        return fail({ kind: 'notFound', message: 'The export is not ready, or its link has expired.' });
      // Only our own origin gets the token.
      if (new URL(request.download.url).origin !== location.origin)
        return fail({
          kind: 'unknown',
          message: 'The download link points away from the API; it was not opened.',
        });
      const response = await fetch(request.download.url, {
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => null);
      if (!response?.ok)
        return fail({
          kind: 'network',
          message: `The download failed (${response?.status ?? 'no answer'}).`,
        });
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `personal-data-${request.subjectUserId ?? 'subject'}-${request.id.slice(0, 8)}.zip`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return ok(null);
    },
  };
}
