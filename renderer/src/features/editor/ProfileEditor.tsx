import { Save } from 'lucide-react';
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { Profile } from '../../../../shared/profile';
import type { AppSettings } from '../../../../shared/settings';
import { NEW_FORWARD } from '../../app/navigation';
import { useModel, useProfiles, useSettings } from '../../state/hooks';
import { Button } from '../../ui/Button';
import {
  CheckField,
  EditorContext,
  fieldSelector,
  Section,
  TextField,
  type EditorApi,
} from './controls';
import {
  describeKey,
  keyOfServerPath,
  newForwardDraft,
  newProfileDraft,
  parseTags,
  placesOf,
  profileToDraft,
  sentence,
  validateDraft,
  type EditorIssue,
  type ProfileDraft,
} from './editor-model';
import { createEditorState, editorReducer, type ScalarField } from './editor-state';
import { Forwards } from './Forwards';
import { JumpHosts } from './JumpHosts';
import { LoginMethods } from './LoginMethods';
import './editor.css';

export interface ProfileEditorProps {
  /** The profile to edit; none for a new profile. */
  profileId?: string;
  /** Open this forward's card and put the focus in it. */
  focusForwardId?: string;
  /** Called with the saved profile's id, or null when the user cancelled. */
  onDone(savedProfileId: string | null): void;
}

/**
 * The profile editor: a full page in the main pane for one profile and its forwards, checked
 * with the shared schemas as the user types.
 */
export function ProfileEditor({ profileId, focusForwardId, onDone }: ProfileEditorProps) {
  const profiles = useProfiles();
  const settings = useSettings();
  if (profiles === null) {
    return (
      <div className="page">
        <p className="muted" role="status">
          Loading profiles…
        </p>
      </div>
    );
  }
  if (profileId === undefined) {
    return <EditorForm key="new" profiles={profiles} settings={settings} onDone={onDone} />;
  }
  const profile = profiles.find((p) => p.id === profileId);
  if (!profile) {
    return (
      <div className="page">
        <h1 className="page-title">Profile not found</h1>
        <p className="muted">This profile no longer exists; it may have been deleted elsewhere.</p>
        <Button onClick={() => onDone(null)}>Back</Button>
      </div>
    );
  }
  return (
    <EditorForm
      key={profile.id}
      profile={profile}
      profiles={profiles}
      settings={settings}
      focusForwardId={focusForwardId}
      onDone={onDone}
    />
  );
}

interface EditorFormProps {
  profile?: Profile;
  profiles: readonly Profile[];
  settings: AppSettings | null;
  focusForwardId?: string;
  onDone(savedProfileId: string | null): void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

function EditorForm({ profile, profiles, settings, focusForwardId, onDone }: EditorFormProps) {
  const model = useModel();
  const [state, dispatch] = useReducer(
    editorReducer,
    { profile, settings, focusForwardId },
    ({ profile, settings, focusForwardId }) => {
      const draft = profile ? profileToDraft(profile) : newProfileDraft(settings);
      if (focusForwardId !== NEW_FORWARD)
        return createEditorState(draft, { expand: focusForwardId ? [focusForwardId] : [] });
      // "Add a forward" from the profile page: the editor opens with a new one ready.
      const forward = newForwardDraft(draft.forwards.map((f) => f.id));
      return createEditorState(
        { ...draft, forwards: [...draft.forwards, forward] },
        { expand: [forward.id] },
      );
    },
  );
  const [focusId] = useState(() =>
    focusForwardId === NEW_FORWARD ? state.draft.forwards.at(-1)?.id : focusForwardId,
  );
  const { draft } = state;
  const isNew = draft.id === undefined;
  const groupsId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<string[] | null>(null);

  const validation = useMemo(() => validateDraft(draft, profiles), [draft, profiles]);
  // Stable, so that forward cards that did not change are not drawn again.
  const focusAfterRender = useCallback((selectors: string[]) => {
    pendingFocus.current = selectors;
  }, []);

  /** Errors the user should see now: touched fields, everything after a save attempt. */
  const visible = useMemo(() => {
    const shown = new Map<string, string>();
    for (const issue of validation.issues)
      if (state.attempts > 0 || state.touched.has(issue.key)) shown.set(issue.key, issue.message);
    for (const issue of state.serverIssues)
      if (!shown.has(issue.key)) shown.set(issue.key, issue.message);
    return shown;
  }, [validation, state.attempts, state.touched, state.serverIssues]);

  const editor = useMemo<EditorApi>(
    () => ({
      draft,
      dispatch,
      profiles,
      expanded: state.expanded,
      errorFor: (key) => {
        const message = visible.get(key);
        return message === undefined ? undefined : sentence(message);
      },
      touch: (key) => dispatch({ type: 'touch', key }),
      focusAfterRender,
    }),
    [draft, profiles, state.expanded, visible, focusAfterRender],
  );

  // Focus asked for by the last action (a moved row's button, a new card), once it is on screen.
  useLayoutEffect(() => {
    const selectors = pendingFocus.current;
    if (!selectors) return;
    pendingFocus.current = null;
    focusFirst(formRef.current, selectors);
  });

  // A save stopped by errors puts the focus on the list of them.
  useEffect(() => {
    if (state.attempts > 0) summaryRef.current?.focus();
  }, [state.attempts]);

  // Opened for one forward: show it and start there.
  useEffect(() => {
    if (!focusId) return;
    const card = document.getElementById(`forward-${focusId}`);
    card?.scrollIntoView?.({ block: 'start' });
    card?.querySelector<HTMLElement>('.forward-body input[type="radio"]:checked')?.focus();
  }, [focusId]);

  const latest = useRef({ state, validation });
  useLayoutEffect(() => {
    latest.current = { state, validation };
  });

  const save = async () => {
    const { state, validation } = latest.current;
    if (state.saving) return;
    if (!validation.ok) {
      dispatch({ type: 'invalid-save', issues: validation.issues });
      return;
    }
    dispatch({ type: 'saving' });
    const { draft } = state;
    const result =
      draft.id === undefined
        ? await model.run('profiles.create', { profile: validation.profile }, { quiet: true })
        : await model.run(
            'profiles.update',
            { profile: { ...validation.profile, id: draft.id } },
            { quiet: true },
          );
    if (result.ok) {
      onDone(result.value.id);
      return;
    }
    dispatch({
      type: 'save-failed',
      message: result.error.message,
      issues: (result.error.issues ?? []).map((issue) => ({
        key: keyOfServerPath(draft, issue.path),
        message: issue.message,
      })),
    });
  };
  const saveRef = useRef(save);
  useLayoutEffect(() => {
    saveRef.current = save;
  });

  // Ctrl+S / Cmd+S saves from anywhere on the page.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const goToField = (key: string) => {
    const { forwards, advanced } = placesOf([{ key, message: '' }]);
    for (const id of forwards) dispatch({ type: 'forward-expand', id, expanded: true });
    if (advanced) dispatch({ type: 'advanced', open: true });
    const selector = fieldSelector(key);
    if (!focusFirst(formRef.current, [selector], true)) pendingFocus.current = [selector];
  };

  const problems: EditorIssue[] = [...validation.issues];
  for (const issue of state.serverIssues)
    if (!problems.some((p) => p.key === issue.key)) problems.push(issue);
  const showSummary = state.attempts > 0 && (problems.length > 0 || state.saveError !== null);

  const edit = (field: ScalarField, key: string) => (value: string | boolean) =>
    dispatch({ type: 'edit', field, value, key });
  const title = isNew ? 'New profile' : `Edit ${profile?.name ?? draft.name}`;
  const groups = [...new Set(profiles.flatMap((p) => (p.group ? [p.group] : [])))].sort();
  const tags = parseTags(draft.tags);

  return (
    <EditorContext.Provider value={editor}>
      <form
        ref={formRef}
        className="page profile-editor"
        aria-label={title}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <header className="page-head">
          <div>
            <h1 className="page-title">{title}</h1>
            <p className="page-subtitle">
              One SSH server, how to log in to it, and the tunnels through it.
            </p>
          </div>
        </header>

        {showSummary && (
          <div ref={summaryRef} className="danger editor-summary" role="alert" tabIndex={-1}>
            <p className="editor-summary-title">
              {problems.length === 0
                ? `Burrow could not save this profile: ${state.saveError}`
                : problems.length === 1
                  ? 'One thing needs fixing before this profile can be saved:'
                  : `${problems.length} things need fixing before this profile can be saved:`}
            </p>
            {problems.length > 0 && (
              <ul>
                {problems.map((issue) => (
                  <li key={issue.key}>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => goToField(issue.key)}
                    >
                      {describeKey(draft, issue.key)}: {lowerFirst(sentence(issue.message))}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        <Section title="Connection" intro="The SSH server this profile connects to.">
          <div className="editor-endpoint">
            <TextField
              label="Name"
              fieldKey="name"
              value={draft.name}
              placeholder="e.g. Staging database"
              onChange={edit('name', 'name')}
              autoFocus={isNew && !focusForwardId}
              className="editor-name"
            />
            <TextField
              label="Host"
              fieldKey="host"
              value={draft.host}
              placeholder="server.example.com"
              hint="A name or an IP address."
              onChange={edit('host', 'host')}
            />
            <TextField
              label="Port"
              fieldKey="port"
              value={draft.port}
              numeric
              className="editor-port"
              hint="Usually 22."
              onChange={edit('port', 'port')}
            />
            <TextField
              label="User"
              fieldKey="username"
              value={draft.username}
              placeholder="e.g. deploy"
              onChange={edit('username', 'username')}
            />
          </div>
        </Section>

        <LoginMethods />
        <JumpHosts />
        <Forwards />

        <Section title="Organise">
          <div className="form-grid">
            <TextField
              label="Group"
              fieldKey="group"
              value={draft.group}
              placeholder="e.g. Work"
              list={groupsId}
              hint="Profiles in a group can be started and stopped together."
              onChange={edit('group', 'group')}
            />
            <TextField
              label="Tags"
              fieldKey="tags"
              value={draft.tags}
              placeholder="e.g. db, staging"
              hint="Separated by commas."
              onChange={edit('tags', 'tags')}
            />
          </div>
          <datalist id={groupsId}>
            {groups.map((group) => (
              <option key={group} value={group} />
            ))}
          </datalist>
          {tags.length > 0 && (
            <ul className="tag-chips" aria-label="Tags as saved">
              {tags.map((tag) => (
                <li key={tag} className="tag-chip">
                  {tag}
                </li>
              ))}
            </ul>
          )}
          <CheckField
            label="Start automatically when Burrow starts"
            checked={draft.autoStart}
            fieldKey="autoStart"
            hint="Also when Burrow starts hidden in the tray."
            onChange={edit('autoStart', 'autoStart')}
          />
        </Section>

        <details
          className="editor-advanced"
          open={state.advancedOpen}
          onToggle={(e) => dispatch({ type: 'advanced', open: e.currentTarget.open })}
        >
          <summary>Advanced: keepalive, reconnecting, timeout</summary>
          <AdvancedFields draft={draft} edit={edit} />
        </details>

        <div className="editor-actions">
          <span className="muted editor-shortcut">
            <kbd>{isMac ? '⌘S' : 'Ctrl+S'}</kbd> saves
          </span>
          <Button onClick={() => onDone(null)}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            busy={state.saving}
            icon={<Save size={15} aria-hidden />}
          >
            Save
          </Button>
        </div>
      </form>
    </EditorContext.Provider>
  );
}

function AdvancedFields({
  draft,
  edit,
}: {
  draft: ProfileDraft;
  edit(field: ScalarField, key: string): (value: string | boolean) => void;
}): ReactNode {
  return (
    <div className="editor-advanced-body">
      <div className="form-grid">
        <TextField
          label="Keepalive every (seconds)"
          fieldKey="keepalive.intervalSeconds"
          value={draft.keepaliveInterval}
          numeric
          hint="0 turns keepalives off: a silent server then goes unnoticed."
          onChange={edit('keepaliveInterval', 'keepalive.intervalSeconds')}
        />
        <TextField
          label="Missed keepalives allowed"
          fieldKey="keepalive.maxMissed"
          value={draft.keepaliveMaxMissed}
          numeric
          hint="Then the connection counts as lost."
          onChange={edit('keepaliveMaxMissed', 'keepalive.maxMissed')}
        />
        <TextField
          label="Connect timeout (seconds)"
          fieldKey="connectTimeoutSeconds"
          value={draft.connectTimeout}
          numeric
          onChange={edit('connectTimeout', 'connectTimeoutSeconds')}
        />
      </div>
      <CheckField
        label="Reconnect automatically when the connection drops"
        checked={draft.reconnectEnabled}
        fieldKey="reconnect.enabled"
        hint="Waits longer after each failed try; a refused login is not retried over and over."
        onChange={edit('reconnectEnabled', 'reconnect.enabled')}
      />
      <div className="form-grid">
        <TextField
          label="First retry after (seconds)"
          fieldKey="reconnect.initialDelayMs"
          value={draft.reconnectInitial}
          numeric
          onChange={edit('reconnectInitial', 'reconnect.initialDelayMs')}
        />
        <TextField
          label="Longest wait between retries (seconds)"
          fieldKey="reconnect.maxDelayMs"
          value={draft.reconnectMax}
          numeric
          hint="The wait doubles after each failed try, up to this."
          onChange={edit('reconnectMax', 'reconnect.maxDelayMs')}
        />
      </div>
    </div>
  );
}

/** Focuses the first enabled, shown element that matches; false if there was none. */
function focusFirst(root: HTMLElement | null, selectors: string[], visibleOnly = false): boolean {
  if (!root) return false;
  for (const selector of selectors) {
    const element = root.querySelector<HTMLElement>(selector);
    if (!element || (element as HTMLButtonElement).disabled) continue;
    if (visibleOnly && element.closest('[hidden], details:not([open])')) continue;
    element.focus();
    return true;
  }
  return false;
}

function lowerFirst(text: string): string {
  return text && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
