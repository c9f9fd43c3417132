import { Plus } from 'lucide-react';
import { useId } from 'react';
import type { Profile } from '../../../../shared/profile';
import { Button } from '../../ui/Button';
import { Field } from '../../ui/Field';
import { ListError, RowActions, Section, TextField, useEditor } from './controls';
import { jumpKey, type JumpDraft } from './editor-model';
import { AUTH_METHODS } from './LoginMethods';

/** A saved profile as a choice: its name and where it connects. */
export function profileChoiceLabel(profile: Profile): string {
  return `${profile.name} (${profile.username}@${profile.host}${profile.port === 22 ? '' : `:${profile.port}`})`;
}

export function JumpHosts() {
  const { draft, dispatch, profiles, focusAfterRender } = useEditor();
  const choices = profiles.filter((p) => p.id !== draft.id);

  return (
    <Section
      title="Jump hosts"
      intro="Servers to go through first, in order, to reach this one (like ssh -J). Leave empty to connect directly."
    >
      {draft.jumpHosts.length > 0 && (
        <ol className="editor-list" aria-label="Jump hosts">
          {draft.jumpHosts.map((hop, index) => (
            <JumpHostRow
              key={hop.key}
              hop={hop}
              index={index}
              count={draft.jumpHosts.length}
              choices={choices}
              next={draft.jumpHosts[index + 1]?.key ?? draft.jumpHosts[index - 1]?.key}
            />
          ))}
        </ol>
      )}
      <ListError fieldKey="jumpHosts" />
      <div className="toolbar editor-add-row">
        <Button
          icon={<Plus size={14} aria-hidden />}
          data-add-jump
          onClick={() => {
            dispatch({ type: 'jump-add', mode: choices.length ? 'profile' : 'typed' });
            focusAfterRender(['.jump-host:last-child input[type="radio"]:checked']);
          }}
        >
          Add jump host
        </Button>
      </div>
    </Section>
  );
}

function JumpHostRow({
  hop,
  index,
  count,
  choices,
  next,
}: {
  hop: JumpDraft;
  index: number;
  count: number;
  choices: readonly Profile[];
  next: string | undefined;
}) {
  const { dispatch, errorFor, touch, focusAfterRender, profiles } = useEditor();
  const groupLabel = useId();
  const n = index + 1;
  const row = `[data-jump="${hop.key}"]`;
  const edit = (patch: Partial<Omit<JumpDraft, 'key' | 'auth'>>, field: string) =>
    dispatch({ type: 'jump-edit', itemKey: hop.key, patch, key: jumpKey(hop.key, field) });
  const missing =
    hop.mode === 'profile' && hop.profileId && !profiles.some((p) => p.id === hop.profileId);
  const moveBy = (by: -1 | 1) => {
    dispatch({ type: 'jump-move', itemKey: hop.key, by });
    const [first, second] = by < 0 ? ['up', 'down'] : ['down', 'up'];
    focusAfterRender([`${row} [data-move="${first}"]`, `${row} [data-move="${second}"]`]);
  };

  return (
    <li className="editor-row jump-host" data-jump={hop.key}>
      <span className="editor-row-number" aria-hidden>
        {n}
      </span>
      <div className="editor-row-main">
        <div role="radiogroup" aria-labelledby={groupLabel} className="segmented">
          <span id={groupLabel} className="sr-only">
            Jump host {n}
          </span>
          <label className="segmented-option">
            <input
              type="radio"
              name={`jump-mode-${hop.key}`}
              checked={hop.mode === 'profile'}
              disabled={choices.length === 0 && hop.mode !== 'profile'}
              onChange={() => edit({ mode: 'profile' }, 'profileId')}
            />
            <span>A saved profile</span>
          </label>
          <label className="segmented-option">
            <input
              type="radio"
              name={`jump-mode-${hop.key}`}
              checked={hop.mode === 'typed'}
              onChange={() => edit({ mode: 'typed' }, 'host')}
            />
            <span>Typed in</span>
          </label>
        </div>
        {hop.mode === 'profile' ? (
          <Field
            label={`Jump host ${n}: saved profile`}
            error={errorFor(jumpKey(hop.key, 'profileId'))}
            hint="Connects with that profile's host, user and login methods."
          >
            {(control) => (
              <select
                {...control}
                value={hop.profileId}
                data-field={jumpKey(hop.key, 'profileId')}
                onChange={(e) => edit({ profileId: e.target.value }, 'profileId')}
                onBlur={() => touch(jumpKey(hop.key, 'profileId'))}
              >
                <option value="">Choose a profile…</option>
                {choices.map((p) => (
                  <option key={p.id} value={p.id}>
                    {profileChoiceLabel(p)}
                  </option>
                ))}
                {missing && (
                  <option value={hop.profileId}>Missing profile “{hop.profileId}”</option>
                )}
              </select>
            )}
          </Field>
        ) : (
          <>
            <div className="form-grid editor-grid-host">
              <TextField
                label={`Jump host ${n}: host`}
                fieldKey={jumpKey(hop.key, 'host')}
                value={hop.host}
                placeholder="bastion.example.com"
                onChange={(host) => edit({ host }, 'host')}
              />
              <TextField
                label="Port"
                fieldKey={jumpKey(hop.key, 'port')}
                value={hop.port}
                numeric
                onChange={(port) => edit({ port }, 'port')}
              />
              <TextField
                label="User"
                fieldKey={jumpKey(hop.key, 'username')}
                value={hop.username}
                onChange={(username) => edit({ username }, 'username')}
              />
            </div>
            <div className="field-hint">
              Logs in with:{' '}
              {hop.auth
                .map((a) => (a.type === 'key' ? `key file ${a.path}` : AUTH_METHODS[a.type].title))
                .join(', then ')}
              .
            </div>
          </>
        )}
      </div>
      <RowActions
        name={`jump host ${n}`}
        index={index}
        count={count}
        onMove={moveBy}
        onRemove={() => {
          dispatch({ type: 'jump-remove', itemKey: hop.key });
          focusAfterRender([
            ...(next ? [`[data-jump="${next}"] [data-remove]`] : []),
            '[data-add-jump]',
          ]);
        }}
      />
    </li>
  );
}
