import { Field } from './Field.tsx';

/** A whole number between the limits the API takes, labelled, with its error below (`error-<name>`). */
export function WholeNumberField(props: {
  label: string;
  hint: string;
  name: string;
  testId: string;
  limits: { min: number; max: number };
  value: string;
  error: string | undefined;
  onInput(e: Event): void;
}) {
  return (
    <Field label={props.label} hint={props.hint} name={props.name} error={props.error}>
      <input
        type="number"
        min={props.limits.min}
        max={props.limits.max}
        step={1}
        value={props.value}
        data-testid={props.testId}
        onInput={props.onInput}
      />
    </Field>
  );
}
