import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { addPortal, removePortal } from '../background/portals.ts';
import type { OutcomeError } from '../messaging/protocol.ts';
import { errorText } from '../popup/error-text.ts';
import { portalOriginsItem } from '../storage/items.ts';

/**
 * Self-hosted portals. Adding one asks the browser for that host's permission, which needs the
 * click itself: `addPortal` runs here, in the click handler, not in the background.
 */
export function PortalList() {
  const [origins, setOrigins] = useState<string[]>([]);
  const [input, setInput] = useState('');
  const [error, setError] = useState<OutcomeError | null>(null);

  useEffect(() => {
    void portalOriginsItem.getValue().then(setOrigins);
  }, []);

  async function add(event: Event) {
    event.preventDefault();
    setError(null);
    const added = await addPortal(input);
    if (!added.ok) return setError(added.error);
    setOrigins(added.value);
    setInput('');
  }

  return (
    <section class="portals">
      <h2>{i18n.t('options.portals.title')}</h2>
      <p class="hint">{i18n.t('options.portals.hint')}</p>
      <ul data-testid="portal-list">
        {origins.map((origin) => (
          <li key={origin} data-testid="portal-host">
            <span>{origin}</span>
            <button
              type="button"
              data-testid="remove-portal"
              onClick={() => void removePortal(origin).then(setOrigins)}
            >
              {i18n.t('options.portals.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label>
          {i18n.t('options.portals.origin')}
          <input
            data-testid="portal-origin"
            placeholder="https://portal.example.com"
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="portal-error">
            {errorText(error)}
          </p>
        )}
        <button type="submit" data-testid="add-portal">
          {i18n.t('options.portals.add')}
        </button>
      </form>
    </section>
  );
}
