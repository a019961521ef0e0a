import type { PreviewErasureMutation } from '@b24-gdpr/shared/graphql';
import { i18n } from '#i18n';

export type Preview = Extract<PreviewErasureMutation['previewErasure'], { __typename: 'ErasurePreview' }>;

/** What deleting a user would delete and keep (with the reasons), before anything happens. */
export function ErasurePreview(props: {
  name: string;
  preview: Preview;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { preview } = props;
  return (
    <div class="dialog" role="dialog" aria-modal="true" data-testid="erase-preview">
      <h3>{i18n.t('console.dismissed.previewTitle', [props.name])}</h3>
      <p>{i18n.t('console.dismissed.previewIntro')}</p>
      <table class="list compact">
        <thead>
          <tr>
            <th>{i18n.t('console.dismissed.category')}</th>
            <th>{i18n.t('console.dismissed.toDelete')}</th>
            <th>{i18n.t('console.dismissed.kept')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.categories.map((c) => (
            <tr key={c.category} data-testid={`erase-category-${c.category}`}>
              <td>{c.category}</td>
              <td>{String(c.toDelete)}</td>
              <td>{String(c.kept)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.kept.length > 0 ? (
        <>
          <h4>{i18n.t('console.dismissed.keptTitle')}</h4>
          <ul class="kept">
            {preview.kept.map((k, i) => (
              <li key={`${k.category}-${k.portalId ?? i}`}>{`${k.label} (${k.category}): ${k.reason}`}</li>
            ))}
          </ul>
        </>
      ) : null}
      {preview.notes.map((note) => (
        <p key={note} class="hint">
          {note}
        </p>
      ))}
      <div class="actions">
        <button
          type="button"
          class="danger"
          data-testid="erase-confirm"
          disabled={props.busy || !preview.token}
          onClick={props.onConfirm}
        >
          {i18n.t('console.dismissed.confirm')}
        </button>
        <button type="button" data-testid="erase-cancel" onClick={props.onCancel}>
          {i18n.t('console.dismissed.cancel')}
        </button>
      </div>
    </div>
  );
}
