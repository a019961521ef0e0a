import { i18n } from '#i18n';
import type { UserRights } from './types.ts';

export type RightName = 'canAnonymise' | 'canErase';

/** An employee's two rights as switches, for administrators on that employee's profile. */
export function RightsSwitches(props: {
  rights: UserRights;
  busy: boolean;
  onChange: (right: RightName, value: boolean) => void;
}) {
  const row = (right: RightName, testId: string, label: string) => (
    <label class="switch">
      <input
        type="checkbox"
        role="switch"
        aria-checked={props.rights[right]}
        data-testid={testId}
        checked={props.rights[right]}
        disabled={props.busy}
        onChange={(event) => props.onChange(right, event.currentTarget.checked)}
      />
      <span>{label}</span>
    </label>
  );
  return (
    <div class="rights">
      {row('canAnonymise', 'right-anonymise', i18n.t('page.panel.rightAnonymise'))}
      {row('canErase', 'right-erase', i18n.t('page.panel.rightErase'))}
    </div>
  );
}
