import { i18n } from '#i18n';
import type { ErasurePreview } from './types.ts';

/**
 * The erasure preview before anything is deleted: counts per category, what is kept and why. Only
 * "Delete now" sends `eraseUser` with the preview's token. Category names and reasons are text.
 */
export function EraseDialog(props: {
  preview: ErasurePreview | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { preview } = props;
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" data-testid="erase-dialog">
        <h2>{i18n.t('page.erase.title')}</h2>
        {preview === null ? (
          <p>{i18n.t('page.erase.loading')}</p>
        ) : (
          <div data-testid="erase-preview">
            <p>{i18n.t('page.erase.intro')}</p>
            <table>
              <thead>
                <tr>
                  <th>{i18n.t('page.erase.category')}</th>
                  <th>{i18n.t('page.erase.toDelete')}</th>
                  <th>{i18n.t('page.erase.kept')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.categories.map((c) => (
                  <tr key={c.category} data-category={c.category}>
                    <td>{c.category}</td>
                    <td>{c.toDelete}</td>
                    <td>{c.kept}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.kept.length > 0 && (
              <>
                <h2>{i18n.t('page.erase.keptTitle')}</h2>
                <ul data-testid="erase-kept">
                  {preview.kept.map((k) => (
                    <li key={`${k.category}:${k.portalId}`}>
                      {k.label ? `${k.category}: ${k.label}` : k.category} — {k.reason}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {preview.notes.length > 0 && (
              <>
                <h2>{i18n.t('page.erase.notes')}</h2>
                <ul>
                  {preview.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        <div class="buttons">
          <button type="button" data-testid="erase-cancel" onClick={props.onCancel}>
            {i18n.t('page.erase.cancel')}
          </button>
          <button
            type="button"
            class="danger"
            data-testid="erase-confirm"
            disabled={preview === null || props.busy}
            onClick={props.onConfirm}
          >
            {i18n.t('page.erase.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
