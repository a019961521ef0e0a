import { i18n } from '#i18n';
import type { ErasurePreview } from './profile/types.ts';

/**
 * What an erasure would delete and keep (and why), as `previewErasure` answered: shown before anything
 * is deleted, by the profile panel's dialog and by the console's dismissed-users tab alike. Category
 * names, labels and reasons come from the portal and the API: text only.
 */
export function ErasurePlan(props: { preview: Pick<ErasurePreview, 'categories' | 'kept' | 'notes'> }) {
  const { preview } = props;
  return (
    <>
      <p>{i18n.t('page.erase.intro')}</p>
      <table class="list compact">
        <thead>
          <tr>
            <th>{i18n.t('page.erase.category')}</th>
            <th>{i18n.t('page.erase.toDelete')}</th>
            <th>{i18n.t('page.erase.kept')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.categories.map((c) => (
            <tr key={c.category} data-category={c.category} data-testid={`erase-category-${c.category}`}>
              <td>{c.category}</td>
              <td>{String(c.toDelete)}</td>
              <td>{String(c.kept)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.kept.length > 0 && (
        <>
          <h4>{i18n.t('page.erase.keptTitle')}</h4>
          <ul class="kept" data-testid="erase-kept">
            {preview.kept.map((k, i) => (
              <li key={`${k.category}:${k.portalId ?? i}`}>
                {k.label ? `${k.category}: ${k.label}` : k.category} — {k.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {preview.notes.length > 0 && (
        <>
          <h4>{i18n.t('page.erase.notes')}</h4>
          <ul>
            {preview.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
