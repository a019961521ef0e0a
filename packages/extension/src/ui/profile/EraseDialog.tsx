import { i18n } from '#i18n';
import { ErasurePlan } from '../ErasurePlan.tsx';
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
            <ErasurePlan preview={preview} />
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
