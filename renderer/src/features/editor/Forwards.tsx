import { ChevronRight, Plus, TriangleAlert, Trash2 } from 'lucide-react';
import { memo, useId, useMemo } from 'react';
import { FORWARD_KINDS, offHostWarnings, pathPicture } from '../../forward-text';
import { Button, IconButton } from '../../ui/Button';
import { Field } from '../../ui/Field';
import {
  CheckField,
  fieldSelector,
  ListError,
  Section,
  TextField,
  useEditor,
  type EditorApi,
} from './controls';
import {
  forwardForDisplay,
  forwardKey,
  jumpHostsForDisplay,
  newForwardDraft,
  type BindChoice,
  type ForwardDraft,
} from './editor-model';

export function Forwards() {
  const { draft, dispatch, focusAfterRender } = useEditor();
  // What every card's path picture needs, worked out once per render rather than per card.
  const { host, jumpHosts } = draft;
  const server = useMemo(
    () => ({ host, jumpHosts: jumpHostsForDisplay({ jumpHosts }) }),
    [host, jumpHosts],
  );
  return (
    <Section
      title="Forwards"
      intro="The tunnels this profile opens. They all share its one SSH connection."
    >
      {draft.forwards.length === 0 ? (
        <p className="muted editor-empty">
          No forwards yet. Without one, the profile only keeps a connection to the server open.
        </p>
      ) : (
        <ul className="forward-list" aria-label="Forwards">
          {draft.forwards.map((forward, index) => (
            <ForwardCard
              key={forward.id}
              server={server}
              forward={forward}
              index={index}
              next={draft.forwards[index + 1]?.id ?? draft.forwards[index - 1]?.id}
            />
          ))}
        </ul>
      )}
      <ListError fieldKey="forwards" />
      <div className="toolbar editor-add-row">
        <Button
          icon={<Plus size={14} aria-hidden />}
          data-add-forward
          onClick={() => {
            const forward = newForwardDraft(draft.forwards.map((f) => f.id));
            dispatch({ type: 'forward-add', forward });
            focusAfterRender([`[data-forward="${forward.id}"] input[type="radio"]:checked`]);
          }}
        >
          Add forward
        </Button>
      </div>
    </Section>
  );
}

const CARD_FIELDS = ['id', 'type', 'name', 'bindHost', 'bindPort', 'targetHost', 'targetPort'];

/**
 * One forward in the list. The editor's context changes with every keystroke anywhere in the
 * form; this slot reads it and hands the card only plain values, so a card whose own forward,
 * path and state did not change is not drawn again (a profile may hold hundreds of forwards).
 */
function ForwardCard({
  server,
  forward,
  index,
  next,
}: {
  /** The profile's host and jump hosts, as the path picture reads them. */
  server: Parameters<typeof pathPicture>[0];
  forward: ForwardDraft;
  index: number;
  /** The card that gets focus when this one is removed. */
  next: string | undefined;
}) {
  const { dispatch, errorFor, profiles, expanded, focusAfterRender } = useEditor();
  const display = forwardForDisplay(forward);
  const picture = pathPicture(server, display, profiles);
  const warnings = offHostWarnings(display, server.host).join('\n');
  const hasErrors = CARD_FIELDS.some(
    (field) => errorFor(forwardKey(forward.id, field)) !== undefined,
  );
  return (
    <ForwardCardView
      forward={forward}
      index={index}
      next={next}
      open={expanded.has(forward.id)}
      hasErrors={hasErrors}
      picture={picture}
      warnings={warnings}
      dispatch={dispatch}
      focusAfterRender={focusAfterRender}
    />
  );
}

const ForwardCardView = memo(function ForwardCardView({
  forward,
  index,
  next,
  open,
  hasErrors,
  picture,
  warnings,
  dispatch,
  focusAfterRender,
}: {
  forward: ForwardDraft;
  index: number;
  next: string | undefined;
  open: boolean;
  hasErrors: boolean;
  picture: string;
  /** Off-host warnings, one per line (a string, so that equal ones compare equal). */
  warnings: string;
  dispatch: EditorApi['dispatch'];
  focusAfterRender: EditorApi['focusAfterRender'];
}) {
  const base = useId();
  const headingId = `${base}-heading`;
  const bodyId = `${base}-body`;
  const kind = FORWARD_KINDS.find((k) => k.type === forward.type);
  const title = forward.name.trim() || `Forward ${index + 1}`;

  return (
    <li
      id={`forward-${forward.id}`}
      className={`card forward-card${open ? ' is-open' : ''}`}
      data-forward={forward.id}
    >
      <div role="group" aria-labelledby={headingId}>
        <div className="forward-head">
          <h3 className="forward-heading" id={headingId}>
            <button
              type="button"
              className="forward-toggle"
              aria-expanded={open}
              aria-controls={open ? bodyId : undefined}
              data-toggle
              onClick={() => dispatch({ type: 'forward-expand', id: forward.id, expanded: !open })}
            >
              <ChevronRight size={16} aria-hidden className="forward-chevron" />
              <span className="forward-title">{title}</span>
              <span className="forward-kind">{kind?.title}</span>
            </button>
          </h3>
          {!forward.enabled && <span className="forward-badge">Not started with the profile</span>}
          {hasErrors && !open && (
            <span className="forward-badge forward-badge-error">Needs attention</span>
          )}
          <IconButton
            label={`Remove ${title}`}
            icon={<Trash2 size={16} aria-hidden />}
            data-remove
            onClick={() => {
              dispatch({ type: 'forward-remove', id: forward.id });
              focusAfterRender([
                ...(next ? [`[data-forward="${next}"] [data-toggle]`] : []),
                '[data-add-forward]',
              ]);
            }}
          />
        </div>
        <p className="path-picture forward-path">
          <span className="sr-only">Path: </span>
          {picture}
        </p>
        <div className="forward-warnings" aria-live="polite">
          {warnings
            .split('\n')
            .filter(Boolean)
            .map((warning) => (
              <p key={warning} className="warning">
                <TriangleAlert size={15} aria-hidden className="warning-icon" />
                <span>{warning}</span>
              </p>
            ))}
        </div>
        {/* Only an open card has its fields in the page: hundreds of hidden forms cost seconds. */}
        {open && <ForwardBody forward={forward} id={bodyId} />}
      </div>
    </li>
  );
});

/** The fields of an open card; these follow the editor's context (errors, touched fields). */
function ForwardBody({ forward, id }: { forward: ForwardDraft; id: string }) {
  const { dispatch, errorFor, touch, focusAfterRender } = useEditor();
  const remote = forward.type === 'remote';
  const key = (field: string) => forwardKey(forward.id, field);
  const edit = (patch: Partial<Omit<ForwardDraft, 'id'>>, field: string) =>
    dispatch({ type: 'forward-edit', id: forward.id, patch, key: key(field) });
  const anyPort = forward.bindPort.trim() === '0';

  const chooseBind = (bindChoice: BindChoice) => {
    edit({ bindChoice }, 'bindHost');
    if (bindChoice === 'other')
      focusAfterRender([`[data-forward="${forward.id}"] input${fieldSelector(key('bindHost'))}`]);
  };

  return (
    <div id={id} className="forward-body">
      <KindChooser forward={forward} onChoose={(type) => edit({ type }, 'type')} />

      <div className="editor-endpoint">
        <TextField
          label="Name (optional)"
          fieldKey={key('name')}
          value={forward.name}
          placeholder="e.g. staging database"
          onChange={(name) => edit({ name }, 'name')}
          className="editor-name"
        />
      </div>

      <div className="editor-endpoint">
        <Field
          label={remote ? 'Server listens on' : 'Listens on'}
          error={forward.bindChoice === 'other' ? undefined : errorFor(key('bindHost'))}
          hint={
            remote
              ? 'Who can connect to the port on the server.'
              : 'Who can connect to the port on this computer.'
          }
        >
          {(control) => (
            <select
              {...control}
              value={forward.bindChoice}
              data-field={forward.bindChoice === 'other' ? undefined : key('bindHost')}
              onChange={(e) => chooseBind(e.target.value as BindChoice)}
              onBlur={() => touch(key('bindHost'))}
            >
              <option value="loopback">
                {remote ? 'The server only (127.0.0.1)' : 'This computer only (127.0.0.1)'}
              </option>
              <option value="all">All interfaces (0.0.0.0)</option>
              <option value="other">Other address…</option>
            </select>
          )}
        </Field>
        {forward.bindChoice === 'other' && (
          <TextField
            label={remote ? 'Server address to listen on' : 'Address to listen on'}
            fieldKey={key('bindHost')}
            value={forward.bindOther}
            placeholder={remote ? 'e.g. 10.0.0.2' : 'e.g. 192.168.1.20'}
            hint="One of its own addresses, e.g. on the local network."
            onChange={(bindOther) => edit({ bindOther }, 'bindHost')}
          />
        )}
        <TextField
          label={remote ? 'Server port' : 'Listen port'}
          fieldKey={key('bindPort')}
          value={forward.bindPort}
          numeric
          className="editor-port"
          placeholder="e.g. 5432"
          hint={
            anyPort ? (
              <span className="editor-any-port">
                Any free port: {remote ? 'the server picks one' : 'Burrow picks one'} each time it
                starts, and shows it.
              </span>
            ) : (
              '0 = any free port'
            )
          }
          onChange={(bindPort) => edit({ bindPort }, 'bindPort')}
        />
      </div>

      {forward.type === 'dynamic' ? (
        <p className="field-hint editor-note">
          Set this address as the SOCKS proxy (SOCKS5 or 4a) of a browser or app: each connection it
          makes goes out through the server.
        </p>
      ) : (
        <div className="editor-endpoint">
          <TextField
            label={
              remote
                ? 'Target host (as this computer sees it)'
                : 'Target host (as the server sees it)'
            }
            fieldKey={key('targetHost')}
            value={forward.targetHost}
            placeholder={remote ? '127.0.0.1' : 'e.g. 10.0.0.5'}
            hint={remote ? '127.0.0.1 is this computer.' : '127.0.0.1 is the server itself.'}
            onChange={(targetHost) => edit({ targetHost }, 'targetHost')}
          />
          <TextField
            label="Target port"
            fieldKey={key('targetPort')}
            value={forward.targetPort}
            numeric
            className="editor-port"
            placeholder="e.g. 5432"
            onChange={(targetPort) => edit({ targetPort }, 'targetPort')}
          />
        </div>
      )}

      <CheckField
        label="Starts with the profile"
        checked={forward.enabled}
        fieldKey={key('enabled')}
        hint="When off, the forward is kept here and started only when you ask."
        onChange={(enabled) => edit({ enabled }, 'enabled')}
      />
      {errorFor(key('id')) && (
        <div className="field-error" role="alert">
          {errorFor(key('id'))}
        </div>
      )}
    </div>
  );
}

/** The forward type as three radio cards, in plain words (arrow keys move between them). */
function KindChooser({
  forward,
  onChoose,
}: {
  forward: ForwardDraft;
  onChoose(type: ForwardDraft['type']): void;
}) {
  const base = useId();
  return (
    <div className="kind-chooser">
      <div className="field-label" id={`${base}-label`}>
        What should this forward do?
      </div>
      <div role="radiogroup" aria-labelledby={`${base}-label`} className="kind-choices">
        {FORWARD_KINDS.map((kind) => {
          const checked = forward.type === kind.type;
          return (
            <label key={kind.type} className={`kind-card${checked ? ' is-checked' : ''}`}>
              <input
                type="radio"
                name={`kind-${forward.id}`}
                value={kind.type}
                checked={checked}
                aria-labelledby={`${base}-${kind.type}-title`}
                aria-describedby={`${base}-${kind.type}-summary`}
                data-field={checked ? forwardKey(forward.id, 'type') : undefined}
                onChange={() => onChoose(kind.type)}
              />
              <span className="kind-text">
                <span className="kind-title" id={`${base}-${kind.type}-title`}>
                  {kind.title}
                </span>
                <span className="kind-summary" id={`${base}-${kind.type}-summary`}>
                  {kind.summary}
                </span>
              </span>
              <code className="kind-flag" aria-hidden>
                ssh {kind.flag}
              </code>
            </label>
          );
        })}
      </div>
    </div>
  );
}
