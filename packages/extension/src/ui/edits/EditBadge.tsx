import { i18n } from '#i18n';

/** The small "edited 3×" mark on a post or message; marked when an edit was made while impersonating. */
export function EditBadge(props: { editCount: number; impersonated: boolean; onOpen: () => void }) {
  return (
    <button
      type="button"
      class={props.impersonated ? 'badge impersonated' : 'badge'}
      data-testid="edit-badge"
      data-edit-count={props.editCount}
      data-impersonated={props.impersonated ? 'true' : 'false'}
      title={props.impersonated ? i18n.t('page.edits.impersonated') : undefined}
      onClick={(event) => {
        event.preventDefault();
        event.stopPropagation();
        props.onOpen();
      }}
    >
      {props.impersonated ? '⚠ ' : ''}
      {i18n.t('page.edits.badge', props.editCount)}
    </button>
  );
}

/**
 * The badge's own styles. Badges live in small shadow roots of their own (one per item, hundreds on a
 * long feed), which get this string instead of the entry's stylesheet WXT would fetch for each.
 */
export const BADGE_CSS = `:host{all:initial;display:inline-block;margin:0 6px;vertical-align:middle}
.badge{font:12px/1.6 'Helvetica Neue',Arial,sans-serif;cursor:pointer;border:1px solid #2fc6f6;border-radius:10px;background:#eefaff;color:#1f6c8a;padding:0 8px}
.badge.impersonated{border-color:#d93025;background:#fdecea;color:#a1231a}`;
