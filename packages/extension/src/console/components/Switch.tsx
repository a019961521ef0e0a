/** A checkbox drawn as a switch; `role="switch"` tells assistive technology it acts at once. */
export function Switch(props: {
  checked: boolean;
  label: string;
  testId: string;
  disabled?: boolean;
  /** Shows the label only to screen readers (in a table row the column header says it). */
  hideLabel?: boolean;
  onChange(checked: boolean): void;
}) {
  return (
    <label class="switch">
      <input
        type="checkbox"
        role="switch"
        aria-checked={props.checked}
        checked={props.checked}
        disabled={props.disabled}
        data-testid={props.testId}
        aria-label={props.hideLabel ? props.label : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span class="switch-track" aria-hidden="true" />
      {props.hideLabel ? null : <span>{props.label}</span>}
    </label>
  );
}
