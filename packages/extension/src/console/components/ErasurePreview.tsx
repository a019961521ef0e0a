import { i18n } from '#i18n';
import { ErasurePlan } from '../../ui/ErasurePlan.tsx';
import type { ErasurePreview as Preview } from '../../ui/profile/types.ts';

export type { Preview };

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
      <ErasurePlan preview={preview} />
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
