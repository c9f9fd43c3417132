import { useId, type ReactNode } from 'react';

export interface CheckFieldProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: ReactNode;
  /** The editor's key for the field, so a problem in the summary can jump to it. */
  fieldKey?: string;
  /** Where it sits: the page's own spacing for the row. */
  className?: string;
}

/** A checkbox with its label beside it and an optional hint under it, tied to it for readers. */
export function CheckField({
  label,
  checked,
  onChange,
  hint,
  fieldKey,
  className,
}: CheckFieldProps) {
  const hintId = useId();
  return (
    <div className={className}>
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          data-field={fieldKey}
          aria-describedby={hint ? hintId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>{label}</span>
      </label>
      {hint && (
        <div id={hintId} className="field-hint check-hint">
          {hint}
        </div>
      )}
    </div>
  );
}
