import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { apiTransport } from '../../api/transport.ts';
import { OPEN_STATUSES, type SubjectRequest } from './types.ts';

/**
 * The request being worked on: a progress bar fed by the transport's progress stream while it runs,
 * then, for a finished export, the download button (the transport downloads it with the token).
 */
export function RequestStatus(props: {
  request: SubjectRequest;
  onFinished: (request: SubjectRequest) => void;
}) {
  const [request, setRequest] = useState(props.request);
  const [message, setMessage] = useState<string | null>(null);
  const running = OPEN_STATUSES.includes(request.status);

  useEffect(() => {
    if (!OPEN_STATUSES.includes(props.request.status)) return;
    return apiTransport().followProgress(props.request.id, (update) => {
      if (update.type === 'update') setRequest((current) => ({ ...current, ...update.request }));
      else if (update.type === 'error') setMessage(i18n.t('page.panel.error', [update.error.message]));
      else props.onFinished(props.request);
    });
  }, [props.request.id]);

  const progress = request.progress;
  const download = async () => {
    const outcome = await apiTransport().downloadExport(request.id);
    setMessage(
      outcome.ok ? i18n.t('page.panel.downloadStarted') : i18n.t('page.panel.error', [outcome.error.message]),
    );
  };

  return (
    <div class="request" data-request-id={request.id} data-status={request.status}>
      {running && (
        <div data-testid="progress">
          <progress
            max={progress?.total ?? undefined}
            value={progress?.total ? progress.done : undefined}
            aria-label={i18n.t('page.panel.running')}
          />
          <p class="muted">
            {progress
              ? progress.total
                ? i18n.t('page.panel.progress', [
                    progress.step,
                    String(progress.done),
                    String(progress.total),
                  ])
                : i18n.t('page.panel.progressNoTotal', [progress.step, String(progress.done)])
              : i18n.t('page.panel.running')}
          </p>
        </div>
      )}
      {!running && (
        <p class="muted">
          {i18n.t(`page.type.${request.type}`)}: {i18n.t(`page.status.${request.status}`)}
          {request.error ? ` — ${request.error}` : ''}
        </p>
      )}
      {request.type === 'EXPORT' && request.status === 'COMPLETED' && request.download && (
        <button type="button" class="primary" data-testid="download-ready" onClick={download}>
          {i18n.t('page.panel.downloadReady')}
        </button>
      )}
      {message && <p class="muted">{message}</p>}
    </div>
  );
}
