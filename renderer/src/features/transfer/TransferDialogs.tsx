import { FileUp } from 'lucide-react';
import { useEffect, useId, useMemo, useState } from 'react';
import type {
  ImportAction,
  ImportChoice,
  ImportPreviewView,
  IpcError,
  SshConfigPreviewView,
} from '../../../../shared/ipc';
import type { Profile } from '../../../../shared/profile';
import { hostPort } from '../../format';
import type { AppModel } from '../../state/app-model';
import { useModel, useProfiles } from '../../state/hooks';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import './transfer.css';

export interface TransferDialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function serverOf(profile: Profile): string {
  return `${profile.username}@${hostPort(profile.host, profile.port)}`;
}

// ---- export ------------------------------------------------------------------------------------

/**
 * Exports the given profiles (all when `ids` is absent) to a file the user picks in main's save
 * dialog, and says where it went. Resolves with the path, or null when cancelled or failed (a
 * failure is already shown as a notice).
 */
export async function exportProfiles(
  model: AppModel,
  ids?: string[],
): Promise<{ path: string; count: number } | null> {
  const result = await model.run('transfer.exportToFile', ids ? { ids } : {});
  if (!result.ok || result.value === null) return null;
  // Main counts what it wrote, jump-host profiles the chosen ones need included.
  const { path, count } = result.value;
  model.notify('info', `Exported ${plural(count, 'profile')} to ${path}`);
  return result.value;
}

// ---- import from a file ------------------------------------------------------------------------

type ReadyPreview = Extract<ImportPreviewView, { ok: true }>;

/** What the user may do with each kind of item, the first being the default. */
const CHOICES: Record<ImportAction, { value: ImportChoice; label: string }[]> = {
  add: [
    { value: 'add', label: 'Add' },
    { value: 'skip', label: 'Skip' },
  ],
  identical: [
    { value: 'skip', label: 'Skip (nothing to change)' },
    { value: 'keep-both', label: 'Add a copy' },
  ],
  replace: [
    { value: 'skip', label: 'Keep the saved one' },
    { value: 'replace', label: 'Replace the saved one' },
    { value: 'keep-both', label: 'Keep both (add a copy)' },
  ],
  'name-conflict': [
    { value: 'skip', label: 'Keep the saved one' },
    { value: 'replace', label: 'Replace the saved one' },
    { value: 'keep-both', label: 'Keep both (add a copy)' },
  ],
};

export function defaultChoice(action: ImportAction): ImportChoice {
  return CHOICES[action][0]!.value;
}

function actionText(
  action: ImportAction,
  existing: Profile | undefined,
): { text: string; tone: string } {
  switch (action) {
    case 'add':
      return { text: 'New', tone: 'ok' };
    case 'identical':
      return { text: 'Already saved, identical', tone: 'muted' };
    case 'replace':
      return {
        text: `Saved${existing ? ` as "${existing.name}"` : ''} with different settings`,
        tone: 'warn',
      };
    case 'name-conflict':
      return {
        text: `Name already used by ${existing ? `"${existing.name}"` : 'a saved profile'}`,
        tone: 'warn',
      };
  }
}

/** Import profiles from a Burrow file: pick or paste, see what would change, choose, import. */
export function ImportFileDialog({ open, onOpenChange }: TransferDialogProps) {
  return open ? <ImportFileBody onOpenChange={onOpenChange} /> : null;
}

function ImportFileBody({ onOpenChange }: Pick<TransferDialogProps, 'onOpenChange'>) {
  const model = useModel();
  const [preview, setPreview] = useState<ReadyPreview | null>(null);
  const [choices, setChoices] = useState<Record<string, ImportChoice>>({});
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<string[] | null>(null);
  const [applyError, setApplyError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState<'file' | 'text' | 'apply' | null>(null);

  const show = (view: ImportPreviewView) => {
    if (!view.ok) {
      setErrors(view.errors);
      return;
    }
    setErrors(null);
    setApplyError(null);
    setPreview(view);
    setChoices(
      Object.fromEntries(view.items.map((item) => [item.profile.id, defaultChoice(item.action)])),
    );
  };

  const chooseFile = async () => {
    setBusy('file');
    const result = await model.run('transfer.previewImportFile', undefined);
    setBusy(null);
    if (result.ok && result.value) show(result.value);
  };

  const previewText = async () => {
    setBusy('text');
    const result = await model.run('transfer.previewImportText', { text });
    setBusy(null);
    if (result.ok) show(result.value);
  };

  const importCount = preview
    ? preview.items.filter((item) => choices[item.profile.id] !== 'skip').length
    : 0;

  const apply = async () => {
    if (!preview) return;
    setBusy('apply');
    setApplyError(null);
    const result = await model.run(
      'transfer.applyImport',
      { previewId: preview.previewId, choices },
      { quiet: true },
    );
    setBusy(null);
    if (!result.ok) {
      setApplyError(result.error);
      return;
    }
    model.notify('info', `Imported ${plural(importCount, 'profile')}`);
    onOpenChange(false);
  };

  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      wide
      title="Import profiles"
      description={
        preview
          ? 'Check what the file would change, then import. Nothing is saved until you do.'
          : 'From a Burrow profiles file (exported from Burrow). You see what it would change before anything is saved.'
      }
      footer={
        preview ? (
          <>
            <Button onClick={() => setPreview(null)} disabled={busy !== null}>
              Back
            </Button>
            <Button
              variant="primary"
              onClick={() => void apply()}
              disabled={busy !== null || importCount === 0}
              busy={busy === 'apply'}
            >
              {importCount === 0 ? 'Nothing to import' : `Import ${plural(importCount, 'profile')}`}
            </Button>
          </>
        ) : (
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
        )
      }
    >
      {preview ? (
        <ImportPreviewTable
          preview={preview}
          choices={choices}
          onChoice={(id, choice) => setChoices((old) => ({ ...old, [id]: choice }))}
          disabled={busy !== null}
          error={applyError}
        />
      ) : (
        <>
          <div>
            <Button
              variant="primary"
              icon={<FileUp size={15} aria-hidden />}
              onClick={() => void chooseFile()}
              disabled={busy !== null}
              busy={busy === 'file'}
            >
              Choose a file…
            </Button>
          </div>
          <Field label="Or paste the file's text">
            {(control) => (
              <textarea
                {...control}
                className="transfer-paste"
                rows={7}
                spellCheck={false}
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder='{ "format": "burrow-profiles", "version": 1, "profiles": [ … ] }'
              />
            )}
          </Field>
          <div>
            <Button
              onClick={() => void previewText()}
              disabled={busy !== null || !text.trim()}
              busy={busy === 'text'}
            >
              Preview
            </Button>
          </div>
          {errors && (
            <div className="danger" role="alert">
              <p className="transfer-alert-title">This file cannot be imported:</p>
              <ul className="transfer-errors">
                {errors.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}

function ImportPreviewTable(props: {
  preview: ReadyPreview;
  choices: Record<string, ImportChoice>;
  onChoice(id: string, choice: ImportChoice): void;
  disabled: boolean;
  error: IpcError | null;
}) {
  const saved = useProfiles() ?? [];
  const { items } = props.preview;
  const count = (action: ImportAction) => items.filter((i) => i.action === action).length;
  const conflicts = count('replace') + count('name-conflict');
  const summary = [
    `${plural(items.length, 'profile')} in the file`,
    count('add') && `${count('add')} new`,
    count('identical') && `${count('identical')} already saved`,
    conflicts && `${plural(conflicts, 'conflict')} with saved profiles`,
  ]
    .filter(Boolean)
    .join(', ');

  if (items.length === 0) return <p className="muted">The file holds no profiles.</p>;
  return (
    <>
      <p className="transfer-summary">{summary}.</p>
      {conflicts > 0 && (
        <p className="warning">
          A profile that clashes with a saved one is skipped unless you choose otherwise. “Replace”
          overwrites the saved profile (what uses it as a jump host keeps working); “Keep both” adds
          the imported one as a copy named “(imported)”.
        </p>
      )}
      <div className="transfer-table-wrap">
        <table className="table">
          <caption className="sr-only">Profiles in the file</caption>
          <thead>
            <tr>
              <th scope="col">Profile</th>
              <th scope="col">Server</th>
              <th scope="col">Compared with saved</th>
              <th scope="col">Import</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ profile, action, existingId }) => {
              const existing = saved.find((p) => p.id === existingId);
              const status = actionText(action, existing);
              return (
                <tr key={profile.id}>
                  <th scope="row" className="transfer-name">
                    {profile.name}
                    <div className="muted mono transfer-id">{profile.id}</div>
                  </th>
                  <td>
                    <span className="mono">{serverOf(profile)}</span>
                    <div className="muted">{plural(profile.forwards.length, 'forward')}</div>
                  </td>
                  <td>
                    <span className={`transfer-action transfer-action-${status.tone}`}>
                      {status.text}
                    </span>
                  </td>
                  <td>
                    <select
                      className="input"
                      aria-label={`What to do with "${profile.name}"`}
                      value={props.choices[profile.id] ?? defaultChoice(action)}
                      disabled={props.disabled}
                      onChange={(e) => props.onChoice(profile.id, e.target.value as ImportChoice)}
                    >
                      {CHOICES[action].map((choice) => (
                        <option key={choice.value} value={choice.value}>
                          {choice.label}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {props.error && (
        <div className="danger" role="alert">
          <p className="transfer-alert-title">{props.error.message}</p>
          {props.error.issues && props.error.issues.length > 0 && (
            <ul className="transfer-errors">
              {props.error.issues.map((issue, i) => (
                <li key={i}>
                  <span className="mono">{issue.path}</span>: {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}

// ---- import from ~/.ssh/config -----------------------------------------------------------------

/** The hosts of the user's ssh config as a checklist; the ticked ones become profiles. */
export function SshConfigDialog({ open, onOpenChange }: TransferDialogProps) {
  return open ? <SshConfigBody onOpenChange={onOpenChange} /> : null;
}

function SshConfigBody({ onOpenChange }: Pick<TransferDialogProps, 'onOpenChange'>) {
  const model = useModel();
  const [preview, setPreview] = useState<SshConfigPreviewView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [applyError, setApplyError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void model.run('transfer.previewSshConfig', undefined, { quiet: true }).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setLoadError(result.error.message);
        return;
      }
      setPreview(result.value);
      setSelected(
        new Set(result.value.hosts.filter((h) => h.profile && !h.alreadySaved).map((h) => h.alias)),
      );
    });
    return () => {
      live = false;
    };
  }, [model]);

  const importable = useMemo(
    () => (preview?.hosts ?? []).filter((h) => h.profile !== null).map((h) => h.alias),
    [preview],
  );

  const toggle = (alias: string, on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(alias);
      else next.delete(alias);
      return next;
    });

  const apply = async () => {
    if (!preview) return;
    // In the file's order, as the user sees them.
    const aliases = importable.filter((alias) => selected.has(alias));
    setBusy(true);
    setApplyError(null);
    const result = await model.run(
      'transfer.applySshConfig',
      { previewId: preview.previewId, aliases },
      { quiet: true },
    );
    setBusy(false);
    if (!result.ok) {
      setApplyError(result.error);
      return;
    }
    model.notify('info', `Imported ${plural(aliases.length, 'host')} from ${preview.path}`);
    onOpenChange(false);
  };

  const count = importable.filter((alias) => selected.has(alias)).length;
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      wide
      title="Import from ~/.ssh/config"
      description="Tick the hosts to save as Burrow profiles. Your ssh config is only read, never changed."
      footer={
        <>
          <Button onClick={() => onOpenChange(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="primary"
            onClick={() => void apply()}
            disabled={busy || count === 0}
            busy={busy}
          >
            {count === 0 ? 'Import selected' : `Import ${plural(count, 'selected host')}`}
          </Button>
        </>
      }
    >
      {loadError && (
        <div className="danger" role="alert">
          {loadError}
        </div>
      )}
      {!preview && !loadError && (
        <p className="muted" role="status">
          Reading your ssh config…
        </p>
      )}
      {preview && (
        <>
          <p className="transfer-summary">
            Read from <span className="mono">{preview.path}</span>
          </p>
          {preview.warnings.length > 0 && (
            <div className="warning">
              <ul className="transfer-errors">
                {preview.warnings.map((warning, i) => (
                  <li key={i}>{warning}</li>
                ))}
              </ul>
            </div>
          )}
          {preview.hosts.length === 0 ? (
            <p className="muted">There are no hosts to import.</p>
          ) : (
            <>
              <div className="toolbar">
                <Button onClick={() => setSelected(new Set(importable))} disabled={busy}>
                  Select all
                </Button>
                <Button onClick={() => setSelected(new Set())} disabled={busy}>
                  Select none
                </Button>
                <span className="muted" aria-live="polite">
                  {count} of {importable.length} selected
                </span>
              </div>
              <ul className="ssh-hosts" aria-label="Hosts in the ssh config">
                {preview.hosts.map((host) => (
                  <SshHostRow
                    key={host.alias}
                    host={host}
                    checked={selected.has(host.alias)}
                    disabled={busy || host.profile === null}
                    onChange={(on) => toggle(host.alias, on)}
                  />
                ))}
              </ul>
            </>
          )}
          {applyError && (
            <div className="danger" role="alert">
              {applyError.message}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}

function SshHostRow(props: {
  host: SshConfigPreviewView['hosts'][number];
  checked: boolean;
  disabled: boolean;
  onChange(checked: boolean): void;
}) {
  const { host } = props;
  const id = useId();
  const notesId = `${id}-notes`;
  const hasNotes = host.warnings.length > 0 || host.alreadySaved;
  return (
    <li className={`ssh-host${host.profile ? '' : ' ssh-host-unusable'}`}>
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
        aria-describedby={hasNotes ? notesId : undefined}
      />
      <div className="ssh-host-text">
        <label htmlFor={id} className="ssh-host-alias">
          {host.alias}
        </label>
        {host.profile && (
          <span className="muted mono ssh-host-server">
            {serverOf(host.profile)}
            {host.profile.forwards.length > 0 &&
              ` · ${plural(host.profile.forwards.length, 'forward')}`}
          </span>
        )}
        {hasNotes && (
          <div id={notesId} className="ssh-host-notes">
            {host.alreadySaved && (
              <span className="ssh-host-saved">already saved; importing it again adds a copy</span>
            )}
            {host.profile === null && <span className="error-text">Cannot be imported.</span>}
            {host.warnings.length > 0 && (
              <ul className="transfer-errors muted">
                {host.warnings.map((warning, i) => (
                  <li key={i}>{warning}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </li>
  );
}
