import type { ContentRefInput } from '@b24-gdpr/shared/graphql';
import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { callApi } from '../../api/operations.ts';
import { type HistoryVersion, WordDiff } from './WordDiff.tsx';

/** Every version of one post or message with its word diff against the version before. */
export function EditPanel(props: { item: ContentRefInput; onClose: () => void }) {
  const [versions, setVersions] = useState<HistoryVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void callApi('EditHistory', props.item).then((outcome) => {
      if (!outcome.ok) return setError(outcome.error.message);
      const history = outcome.value.editHistory;
      if (history.__typename === 'EditHistory') setVersions(history.versions);
    });
  }, [props.item.entityType, props.item.entityId]);

  return (
    <div class="backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        data-testid="edit-panel"
        data-entity-type={props.item.entityType}
        data-entity-id={props.item.entityId}
      >
        <h2>{i18n.t('page.edits.title')}</h2>
        {versions === null && error === null && <p class="muted">{i18n.t('page.edits.loading')}</p>}
        {error !== null && <p class="reason error">{i18n.t('page.edits.error', [error])}</p>}
        {versions?.map(({ version, diff }) => (
          <div class="version" key={version.id} data-version={version.version}>
            <div class="meta">
              {i18n.t('page.edits.version', [
                String(version.version),
                new Date(version.editedAt).toLocaleString(),
              ])}
              {version.editor !== null ? ` ${i18n.t('page.edits.editor', [String(version.editor)])}` : ''}
              {version.deleted ? ` (${i18n.t('page.edits.deleted')})` : ''}
            </div>
            <WordDiff parts={diff.length > 0 ? diff : [{ kind: 'UNCHANGED', text: version.text }]} />
          </div>
        ))}
        <div class="buttons">
          <button type="button" data-testid="edit-panel-close" onClick={props.onClose}>
            {i18n.t('page.edits.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
