import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { IpcError } from '../../../../shared/ipc';
import {
  AppSettingsPatchSchema,
  DEFAULT_KNOWN_HOSTS,
  type AppSettings,
  type AppSettingsPatch,
} from '../../../../shared/settings';
import { useAppInfo, useModel, useSettings } from '../../state/hooks';
import { Button } from '../../ui/Button';
import { CheckField, type CheckFieldProps } from '../../ui/CheckField';
import { Field } from '../../ui/Field';
import './settings.css';

type Patch = AppSettingsPatch;
type ReconnectDefaults = AppSettings['reconnectDefaults'];
/** A field's own message, or a failure of the whole save (shown as a notice). */
type SaveOutcome = { ok: true } | { ok: false; fieldError?: string };

/** The first issue of a failed save that is about `path` (e.g. "knownHostsPath"). */
function issueFor(error: IpcError, path: string): string | undefined {
  return error.issues?.find((i) => i.path.split('.').includes(path))?.message;
}

/**
 * App-wide settings. Every change is saved at once, and only the setting that changed is sent,
 * so two windows (or the tray) changing different settings never undo each other.
 */
export function SettingsPage() {
  const settings = useSettings();
  return (
    <div className="page settings-page">
      <div className="page-head">
        <div>
          <h1 className="page-title">Settings</h1>
          <div className="page-subtitle">Changes are saved as you make them.</div>
        </div>
      </div>
      {settings ? (
        <SettingsSections settings={settings} />
      ) : (
        <p className="muted" role="status">
          Loading settings…
        </p>
      )}
      <AboutSection />
    </div>
  );
}

function useSave() {
  const model = useModel();
  return async (patch: Patch, field?: string): Promise<SaveOutcome> => {
    const result = await model.run('settings.update', { settings: patch }, { quiet: true });
    if (result.ok) {
      model.settings.set(result.value);
      return { ok: true };
    }
    const fieldError = field ? issueFor(result.error, field) : undefined;
    if (!fieldError) model.notify('error', result.error.message);
    return { ok: false, fieldError };
  };
}

function SettingsSections({ settings }: { settings: AppSettings }) {
  const save = useSave();
  // Shown at once while a change is being saved; the saved settings take over when it is.
  const [pending, setPending] = useState<Patch>({});
  const shown = { ...settings, ...pending } as AppSettings; // pending never holds a null

  const change = async <
    K extends 'theme' | 'openAtLogin' | 'startMinimized' | 'closeToTray' | 'notifications',
  >(
    key: K,
    value: AppSettings[K],
  ) => {
    setPending((old) => ({ ...old, [key]: value }));
    await save({ [key]: value } as Patch);
    setPending((old) => {
      const next = { ...old };
      if (next[key] === value) delete next[key];
      return next;
    });
  };

  return (
    <>
      <Section title="Appearance">
        <ThemeChoice value={shown.theme} onChange={(theme) => void change('theme', theme)} />
      </Section>

      <Section title="Window and startup">
        <Check
          label="Start Burrow when I log in"
          checked={shown.openAtLogin}
          onChange={(on) => void change('openAtLogin', on)}
        />
        <Check
          label="Start minimized to the tray"
          hint="The window stays hidden at start; profiles set to start automatically still start."
          checked={shown.startMinimized}
          onChange={(on) => void change('startMinimized', on)}
        />
        <Check
          label="Keep tunnels running when the window closes"
          hint="Burrow stays in the tray. When off, closing the window quits and stops every tunnel."
          checked={shown.closeToTray}
          onChange={(on) => void change('closeToTray', on)}
        />
      </Section>

      <Section title="Notifications">
        <Check
          label="Notify me when a tunnel drops and when it is back"
          checked={shown.notifications}
          onChange={(on) => void change('notifications', on)}
        />
      </Section>

      <Section title="Host keys">
        <KnownHostsField
          value={settings.knownHostsPath}
          onSave={(path) => save({ knownHostsPath: path ?? null }, 'knownHostsPath')}
        />
      </Section>

      <Section title="Reconnecting">
        <ReconnectFields
          value={settings.reconnectDefaults}
          onSave={(next) => save({ reconnectDefaults: next }, 'reconnectDefaults')}
        />
      </Section>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      <div className="card settings-card">{children}</div>
    </section>
  );
}

function Check(props: Omit<CheckFieldProps, 'className' | 'fieldKey'>) {
  return <CheckField {...props} className="settings-check" />;
}

const THEMES: { value: AppSettings['theme']; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follows your operating system' },
  { value: 'light', label: 'Light', hint: '' },
  { value: 'dark', label: 'Dark', hint: '' },
];

function ThemeChoice(props: {
  value: AppSettings['theme'];
  onChange(theme: AppSettings['theme']): void;
}) {
  const name = useId();
  return (
    <fieldset className="settings-radios">
      <legend className="field-label">Theme</legend>
      <div className="settings-radio-row">
        {THEMES.map((theme) => (
          <label key={theme.value} className="check settings-radio">
            <input
              type="radio"
              name={name}
              value={theme.value}
              checked={props.value === theme.value}
              onChange={() => props.onChange(theme.value)}
            />
            {theme.label}{' '}
            {theme.hint && <span className="muted">({theme.hint.toLowerCase()})</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Keeps a text field's draft in step with a saved value that can change from elsewhere (another
 * window, the tray): a new saved value replaces the draft, the user's typing does not get lost
 * otherwise.
 */
function useDraft<T>(saved: T, toText: (value: T) => string): [string, (text: string) => void] {
  const [draft, setDraft] = useState(() => toText(saved));
  const [seen, setSeen] = useState(saved);
  if (!Object.is(seen, saved)) {
    setSeen(saved);
    setDraft(toText(saved));
  }
  return [draft, setDraft];
}

function knownHostsError(text: string): string | undefined {
  const path = text.trim();
  if (!path) return undefined; // empty: the default
  const parsed = AppSettingsPatchSchema.safeParse({ knownHostsPath: path });
  return parsed.success
    ? undefined
    : `The path ${parsed.error.issues[0]?.message ?? 'is not valid'}.`;
}

function KnownHostsField(props: {
  value: string | undefined;
  onSave(path: string | undefined): Promise<SaveOutcome>;
}) {
  const [text, setText] = useDraft(props.value, (v) => v ?? '');
  const [touched, setTouched] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const error = saveError ?? (touched ? knownHostsError(text) : undefined);

  const save = async (path: string | undefined) => {
    setBusy(true);
    const outcome = await props.onSave(path);
    setBusy(false);
    if (!outcome.ok && outcome.fieldError) setSaveError(`The path ${outcome.fieldError}.`);
  };

  const commit = () => {
    setTouched(true);
    if (knownHostsError(text)) return;
    const path = text.trim() || undefined;
    if (path === props.value) return;
    void save(path);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape' && text !== (props.value ?? '')) {
      e.preventDefault();
      setText(props.value ?? '');
      setSaveError(undefined);
      setTouched(false);
    }
  };

  return (
    <div className="settings-known-hosts">
      <Field
        label="known_hosts file"
        error={error}
        hint={
          <>
            Where Burrow looks up and saves servers' host keys, the same file ssh uses by default.
            Leave empty for <span className="mono">{DEFAULT_KNOWN_HOSTS}</span>. Saved when you
            leave the field or press Enter.
          </>
        }
      >
        {(control) => (
          <input
            {...control}
            type="text"
            className="mono"
            spellCheck={false}
            placeholder={DEFAULT_KNOWN_HOSTS}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setSaveError(undefined);
            }}
            onBlur={commit}
            onKeyDown={onKeyDown}
            aria-busy={busy || undefined}
          />
        )}
      </Field>
      <div>
        <Button
          disabled={props.value === undefined || busy}
          onClick={() => {
            setTouched(false);
            setSaveError(undefined);
            setText('');
            void save(undefined);
          }}
        >
          Reset to default
        </Button>
      </div>
    </div>
  );
}

const MIN_SECONDS = 0.1;
const MAX_SECONDS = 3600;

/** Milliseconds from what the user typed in seconds, or why it is not a usable delay. */
function parseSeconds(text: string): { ms: number } | { error: string } {
  const trimmed = text.trim().replace(',', '.');
  if (!trimmed) return { error: 'Enter a number of seconds.' };
  const seconds = Number(trimmed);
  if (!Number.isFinite(seconds)) return { error: 'Must be a number of seconds.' };
  if (seconds < MIN_SECONDS) return { error: `Must be at least ${MIN_SECONDS} seconds.` };
  if (seconds > MAX_SECONDS) return { error: `Must be at most ${MAX_SECONDS} seconds (an hour).` };
  return { ms: Math.round(seconds * 1000) };
}

function secondsText(ms: number): string {
  return String(ms / 1000);
}

interface DelayErrors {
  initial?: string;
  max?: string;
}

function delayErrors(
  initialText: string,
  maxText: string,
): DelayErrors & { ms?: [number, number] } {
  const initial = parseSeconds(initialText);
  const max = parseSeconds(maxText);
  const errors: DelayErrors = {
    initial: 'error' in initial ? initial.error : undefined,
    max: 'error' in max ? max.error : undefined,
  };
  if ('ms' in initial && 'ms' in max) {
    if (max.ms < initial.ms) return { max: 'Must not be shorter than the first retry delay.' };
    return { ms: [initial.ms, max.ms] };
  }
  return errors;
}

function ReconnectFields(props: {
  value: ReconnectDefaults;
  onSave(next: ReconnectDefaults): Promise<SaveOutcome>;
}) {
  const { value } = props;
  const [initialText, setInitialText] = useDraft(value.initialDelayMs, secondsText);
  const [maxText, setMaxText] = useDraft(value.maxDelayMs, secondsText);
  const [touched, setTouched] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const checked = enabled ?? value.enabled;
  const errors = touched ? delayErrors(initialText, maxText) : {};

  const commit = () => {
    setTouched(true);
    const checkedDelays = delayErrors(initialText, maxText);
    if (!checkedDelays.ms) return;
    const [initialDelayMs, maxDelayMs] = checkedDelays.ms;
    if (initialDelayMs === value.initialDelayMs && maxDelayMs === value.maxDelayMs) return;
    const next = { ...value, initialDelayMs, maxDelayMs };
    const parsed = AppSettingsPatchSchema.safeParse({ reconnectDefaults: next });
    if (!parsed.success) {
      setSaveError(parsed.error.issues[0]?.message);
      return;
    }
    void props.onSave(next).then((outcome) => {
      if (!outcome.ok && outcome.fieldError) setSaveError(outcome.fieldError);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    }
  };

  return (
    <div className="settings-reconnect">
      <p className="field-hint settings-lead">
        For profiles you create from now on. Each profile keeps its own copy, which you can change
        in its editor; existing profiles are not changed.
      </p>
      <Check
        label="Reconnect automatically when a connection drops"
        checked={checked}
        onChange={(on) => {
          setEnabled(on);
          void props.onSave({ ...value, enabled: on }).finally(() => setEnabled(null));
        }}
      />
      <div className="form-grid settings-delays">
        <Field
          label="First retry after (seconds)"
          error={errors.initial}
          hint="Each failed try doubles the wait, up to the longest wait."
        >
          {(control) => (
            <input
              {...control}
              type="text"
              inputMode="decimal"
              value={initialText}
              onChange={(e) => {
                setInitialText(e.target.value);
                setSaveError(undefined);
              }}
              onBlur={commit}
              onKeyDown={onKeyDown}
            />
          )}
        </Field>
        <Field
          label="Longest wait between retries (seconds)"
          error={errors.max ?? saveError}
          hint={`Up to ${MAX_SECONDS} seconds.`}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              inputMode="decimal"
              value={maxText}
              onChange={(e) => {
                setMaxText(e.target.value);
                setSaveError(undefined);
              }}
              onBlur={commit}
              onKeyDown={onKeyDown}
            />
          )}
        </Field>
      </div>
    </div>
  );
}

function AboutSection() {
  const info = useAppInfo();
  if (!info) return null;
  const storage = info.secureStorage;
  return (
    <Section title="About Burrow">
      <dl className="settings-about">
        <div>
          <dt>Version</dt>
          <dd>{info.version}</dd>
        </div>
        <div>
          <dt>Platform</dt>
          <dd>{info.platform}</dd>
        </div>
        <div>
          <dt>Profiles and settings</dt>
          <dd className="path-picture">{info.storePath}</dd>
        </div>
        <div>
          <dt>Saved passwords</dt>
          <dd>
            {storage.available
              ? 'Encrypted with the system keyring'
              : `Cannot be saved: ${storage.reason}`}
          </dd>
        </div>
      </dl>
    </Section>
  );
}
