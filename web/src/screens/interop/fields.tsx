// A form whose API error may name one of its fields: the error is shown
// next to that field (and the field marked invalid for assistive
// technology), or under the form when it names none.
import { useId, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { ErrorNote } from '../../ui/Page';
import { fieldOfError } from './indicators';

export function useFieldErrors(error: unknown, fields: readonly string[]) {
  const base = useId();
  const field = fieldOfError(error, fields);
  const idOf = (name: string) => `${base}-${name}-error`;
  return {
    // The field's label, beside its input (not around it: a select's
    // chosen option would become part of the field's name).
    label: (name: string, text: string): ReactNode => (
      <label className="ix-label" htmlFor={`${base}-${name}`}>
        {text}
      </label>
    ),
    // Spread on the field's input.
    props: (name: string) =>
      field === name
        ? { id: `${base}-${name}`, 'aria-invalid': true as const, 'aria-describedby': idOf(name) }
        : { id: `${base}-${name}` },
    // Placed right after the field's input.
    note: (name: string): ReactNode =>
      field === name && error instanceof ApiError ? (
        <span className="error ix-field-error" id={idOf(name)} role="alert">
          {error.message}
        </span>
      ) : null,
    // Under the form: the error no field owns.
    rest: field ? null : <ErrorNote error={error} />,
  };
}
