import type { ComponentChildren } from 'preact';

/** A labelled input with its error, if any, right below it (`error-<name>` for tests). */
export function Field(props: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the input comes in as children, inside the label. */}
      <label>
        <span class="field-label">{props.label}</span>
        {props.children}
      </label>
      {props.hint ? <small class="hint">{props.hint}</small> : null}
      {props.error ? (
        <p class="error" role="alert" data-testid={`error-${props.name}`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
