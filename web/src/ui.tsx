import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** The page's heading; it takes the focus when the page changes, so screen readers announce the new page. */
export function Heading(props: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ShopStack`;
    ref.current?.focus();
  }, [props.title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

/** An error sentence, announced as it appears. */
export function Alert(props: { message: string | undefined; id?: string }) {
  if (!props.message) return null;
  return (
    <p class="alert" role="alert" id={props.id}>
      {props.message}
    </p>
  );
}

/** A status line (saved, live updates), announced politely. */
export function Status(props: { message: string | undefined }) {
  return (
    <p class="status" role="status">
      {props.message ?? ''}
    </p>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; error?: string };

/** A labelled input with its error beside it (aria-describedby), keeping whatever value it is given. */
export function Field(props: InputProps) {
  const { label, name, error, ...input } = props;
  const id = `field-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
