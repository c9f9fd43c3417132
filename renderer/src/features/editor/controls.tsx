import { ArrowDown, ArrowUp, Trash2 } from 'lucide-react';
import { createContext, useContext, useId, type Dispatch, type ReactNode } from 'react';
import type { Profile } from '../../../../shared/profile';
import { IconButton } from '../../ui/Button';
import { CheckField as SharedCheckField, type CheckFieldProps } from '../../ui/CheckField';
import { Field } from '../../ui/Field';
import type { ProfileDraft } from './editor-model';
import type { EditorAction } from './editor-state';

/** What every part of the editor needs: the draft, a way to change it, and its visible errors. */
export interface EditorApi {
  draft: ProfileDraft;
  dispatch: Dispatch<EditorAction>;
  /** The error to show under a field now (touched, or after a save attempt), as a sentence. */
  errorFor(key: string): string | undefined;
  touch(key: string): void;
  /** The saved profiles (jump-host choices, path pictures). */
  profiles: readonly Profile[];
  /** Forward cards shown open, by forward id. */
  expanded: ReadonlySet<string>;
  /** Focuses the first enabled element matching one of these selectors after the next render. */
  focusAfterRender(selectors: string[]): void;
}

export const EditorContext = createContext<EditorApi | null>(null);

export function useEditor(): EditorApi {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor() outside the profile editor');
  return editor;
}

/** A CSS selector for the control that shows a field key (for focusing it from the summary). */
export function fieldSelector(key: string): string {
  return `[data-field="${key.replace(/["\\]/g, '\\$&')}"]`;
}

export interface TextFieldProps {
  label: string;
  fieldKey: string;
  value: string;
  onChange(value: string): void;
  hint?: ReactNode;
  placeholder?: string;
  /** Numbers are typed as text (so an empty field is an error, not a silent 0). */
  numeric?: boolean;
  className?: string;
  autoFocus?: boolean;
  /** A datalist of suggestions. */
  list?: string;
}

/** A text input under its label, with hint and inline error (the Field wiring). */
export function TextField({
  label,
  fieldKey,
  value,
  onChange,
  hint,
  placeholder,
  numeric,
  className,
  autoFocus,
  list,
}: TextFieldProps) {
  const { errorFor, touch } = useEditor();
  return (
    <Field label={label} error={errorFor(fieldKey)} hint={hint} className={className}>
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode={numeric ? 'decimal' : undefined}
          className={numeric ? 'editor-number' : undefined}
          value={value}
          placeholder={placeholder}
          data-field={fieldKey}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus={autoFocus}
          list={list}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => touch(fieldKey)}
        />
      )}
    </Field>
  );
}

/** The shared checkbox, with the editor's spacing. */
export function CheckField(props: Omit<CheckFieldProps, 'className'>) {
  return <SharedCheckField {...props} className="editor-check" />;
}

/** An error that belongs to a whole list ("must list at least one login method"). */
export function ListError({ fieldKey }: { fieldKey: string }) {
  const { errorFor } = useEditor();
  const error = errorFor(fieldKey);
  if (!error) return null;
  return (
    <div className="field-error editor-list-error" role="alert" tabIndex={-1} data-field={fieldKey}>
      {error}
    </div>
  );
}

/** A titled part of the form. */
export function Section({
  title,
  intro,
  children,
  actions,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const id = useId();
  return (
    <section className="editor-section" aria-labelledby={id}>
      <div className="editor-section-head">
        <div>
          <h2 className="section-title" id={id}>
            {title}
          </h2>
          {intro && <p className="editor-intro muted">{intro}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}

/**
 * Move up, move down and remove for one row of an ordered list (login methods, jump hosts).
 * `name` completes each button's accessible name: "Move <name> up".
 */
export function RowActions({
  name,
  index,
  count,
  onMove,
  onRemove,
}: {
  name: string;
  index: number;
  count: number;
  onMove(by: -1 | 1): void;
  onRemove(): void;
}) {
  return (
    <div className="editor-row-actions">
      <IconButton
        label={`Move ${name} up`}
        icon={<ArrowUp size={16} aria-hidden />}
        disabled={index === 0}
        data-move="up"
        onClick={() => onMove(-1)}
      />
      <IconButton
        label={`Move ${name} down`}
        icon={<ArrowDown size={16} aria-hidden />}
        disabled={index === count - 1}
        data-move="down"
        onClick={() => onMove(1)}
      />
      <IconButton
        label={`Remove ${name}`}
        icon={<Trash2 size={16} aria-hidden />}
        data-remove
        onClick={onRemove}
      />
    </div>
  );
}
