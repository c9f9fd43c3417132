import { Fingerprint, KeyRound, Lock, MessageSquareText, Plus } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from '../../ui/Button';
import { ListError, RowActions, Section, TextField, useEditor } from './controls';
import { authKey, type AuthDraft, type AuthType } from './editor-model';

/** Each login method in a few words: what it is and when Burrow asks for something. */
export const AUTH_METHODS: Record<AuthType, { title: string; explain: string; icon: ReactNode }> = {
  key: {
    title: 'Key file',
    explain: 'A private key file on this computer. Burrow asks for its passphrase if it has one.',
    icon: <KeyRound size={16} aria-hidden />,
  },
  agent: {
    title: 'SSH agent',
    explain: 'Keys held by your running SSH agent (ssh-agent, Pageant, a password manager).',
    icon: <Fingerprint size={16} aria-hidden />,
  },
  password: {
    title: 'Password',
    explain: 'Asked when connecting; Burrow can remember it, encrypted by the system.',
    icon: <Lock size={16} aria-hidden />,
  },
  'keyboard-interactive': {
    title: 'Keyboard-interactive',
    explain: 'The server asks its own questions, such as a one-time code (2FA).',
    icon: <MessageSquareText size={16} aria-hidden />,
  },
};

const ADD_ORDER: AuthType[] = ['key', 'agent', 'password', 'keyboard-interactive'];

export function LoginMethods() {
  const { draft, dispatch, focusAfterRender } = useEditor();
  const present = new Set(draft.auth.map((a) => a.type));

  const add = (type: AuthType) => {
    dispatch({ type: 'auth-add', method: type });
    // The new row's first control: its key file field, or its remove button.
    focusAfterRender(['.login-method:last-child input', '.login-method:last-child [data-remove]']);
  };

  return (
    <Section title="Login methods" intro="Tried in this order until one works.">
      <ol className="editor-list" aria-label="Login methods">
        {draft.auth.map((method, index) => (
          <LoginMethodRow
            key={method.key}
            method={method}
            index={index}
            count={draft.auth.length}
            next={draft.auth[index + 1]?.key ?? draft.auth[index - 1]?.key}
          />
        ))}
      </ol>
      <ListError fieldKey="auth" />
      <div className="toolbar editor-add-row" role="group" aria-label="Add a login method">
        {ADD_ORDER.map((type) => (
          <Button
            key={type}
            icon={<Plus size={14} aria-hidden />}
            // Several key files make sense; the others once each.
            disabled={type !== 'key' && present.has(type)}
            onClick={() => add(type)}
            data-add-auth={type}
          >
            {AUTH_METHODS[type].title}
          </Button>
        ))}
      </div>
    </Section>
  );
}

function LoginMethodRow({
  method,
  index,
  count,
  next,
}: {
  method: AuthDraft;
  index: number;
  count: number;
  /** The row that gets focus when this one is removed. */
  next: string | undefined;
}) {
  const { dispatch, focusAfterRender } = useEditor();
  const info = AUTH_METHODS[method.type];
  const name = `${info.title}${method.type === 'key' && method.path.trim() ? ` ${method.path.trim()}` : ''}`;
  const row = `[data-auth="${method.key}"]`;
  const moveBy = (by: -1 | 1) => {
    dispatch({ type: 'auth-move', itemKey: method.key, by });
    const [first, second] = by < 0 ? ['up', 'down'] : ['down', 'up'];
    focusAfterRender([`${row} [data-move="${first}"]`, `${row} [data-move="${second}"]`]);
  };
  return (
    <li className="editor-row login-method" data-auth={method.key}>
      <span className="editor-row-number" aria-hidden>
        {index + 1}
      </span>
      <div className="editor-row-main">
        <div className="editor-row-title">
          {info.icon}
          <span>{info.title}</span>
        </div>
        <div className="field-hint">{info.explain}</div>
        {method.type === 'key' && (
          <TextField
            label="Key file"
            fieldKey={authKey(method.key, 'path')}
            value={method.path}
            placeholder="~/.ssh/id_ed25519"
            onChange={(path) =>
              dispatch({
                type: 'auth-edit',
                itemKey: method.key,
                patch: { path },
                key: authKey(method.key, 'path'),
              })
            }
          />
        )}
        {method.type === 'agent' && (
          <TextField
            label="Agent socket"
            fieldKey={authKey(method.key, 'socket')}
            value={method.socket}
            hint="Empty: the agent in SSH_AUTH_SOCK."
            onChange={(socket) =>
              dispatch({
                type: 'auth-edit',
                itemKey: method.key,
                patch: { socket },
                key: authKey(method.key, 'socket'),
              })
            }
          />
        )}
      </div>
      <RowActions
        name={name}
        index={index}
        count={count}
        onMove={moveBy}
        onRemove={() => {
          dispatch({ type: 'auth-remove', itemKey: method.key });
          focusAfterRender([
            ...(next ? [`[data-auth="${next}"] [data-remove]`] : []),
            '[data-add-auth="key"]',
          ]);
        }}
      />
    </li>
  );
}
