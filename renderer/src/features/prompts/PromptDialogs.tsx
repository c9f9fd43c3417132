import { Copy, ShieldAlert, ShieldQuestion } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { PendingPrompt } from '../../../../shared/ipc';
import type { Profile } from '../../../../shared/profile';
import type { PromptRequest } from '../../../../shared/prompt';
import type { HostKeyFacts } from '../../../../shared/errors';
import { DEFAULT_KNOWN_HOSTS } from '../../../../shared/settings';
import { copyText } from '../../app/clipboard';
import { hostPort } from '../../format';
import { useAppInfo, useModel, usePrompts, useProfiles, useSettings } from '../../state/hooks';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import { hostKeyFileType, mismatchedHost, promptPlace, removeKeyCommand } from './prompt-text';
import './prompts.css';

type Answer = 'accept-once' | 'accept-save' | 'reject' | string | string[] | null;
type OnAnswer = (answer: Answer, remember?: boolean) => Promise<void>;

/**
 * The engine's questions (host keys, passwords, passphrases, 2FA), one at a time, oldest first,
 * as dialogs that must be answered; and the refusal of a changed host key, which is not a
 * question but needs the user's attention just as much.
 */
export function PromptDialogs() {
  const model = useModel();
  const prompts = usePrompts();
  // Answered here, but main has not closed them yet: never show (or answer) one twice.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(() => new Set());
  const current = prompts.find((p) => !answered.has(p.id));

  const answer = async (prompt: PendingPrompt, value: Answer, remember?: boolean) => {
    const result = await model.run(
      'prompts.answer',
      { id: prompt.id, answer: value, ...(remember ? { remember: true } : {}) },
      { quiet: true },
    );
    // "not-found": main closed the question meanwhile; there is nothing left to answer.
    if (result.ok || result.error.kind === 'not-found') {
      setAnswered((old) => {
        const open = new Set(model.prompts.get().map((p) => p.id));
        return new Set([...old, prompt.id].filter((id) => open.has(id)));
      });
    } else model.notify('error', result.error.message);
  };

  return (
    <>
      {current && (
        <PromptDialog
          key={current.id}
          prompt={current}
          onAnswer={(value, remember) => answer(current, value, remember)}
        />
      )}
      <HostKeyChangedDialog suspended={current !== undefined} />
    </>
  );
}

function PromptDialog({ prompt, onAnswer }: { prompt: PendingPrompt; onAnswer: OnAnswer }) {
  const profiles = useProfiles();
  const profile = profiles?.find((p) => p.id === prompt.request.profileId);
  const [busy, setBusy] = useState(false);
  const send: OnAnswer = async (answer, remember) => {
    if (busy) return;
    setBusy(true);
    try {
      await onAnswer(answer, remember);
    } finally {
      setBusy(false);
    }
  };
  const props = { prompt, profile, busy, onAnswer: send };
  const { request } = prompt;
  switch (request.kind) {
    case 'host-key':
      return <HostKeyDialog {...props} request={request} />;
    case 'password':
    case 'passphrase':
      return <SecretDialog {...props} request={request} />;
    case 'keyboard-interactive':
      return <KeyboardInteractiveDialog {...props} request={request} />;
  }
}

interface KindProps<K extends PromptRequest['kind']> {
  prompt: PendingPrompt;
  request: Extract<PromptRequest, { kind: K }>;
  profile: Profile | undefined;
  busy: boolean;
  onAnswer: OnAnswer;
}

/** A dialog that stays until answered: no close button, Escape and outside clicks ignored. */
function PromptFrame(props: {
  title: string;
  description: string;
  children: ReactNode;
  footer: ReactNode;
  /** Escape answers "cancel" where cancelling is an answer (not for a host key). */
  onCancel?: () => void;
  /** Room for a fingerprint on one line. */
  wide?: boolean;
}) {
  return (
    <Dialog
      open
      onOpenChange={() => {}}
      modalOnly
      wide={props.wide}
      onEscape={props.onCancel}
      title={props.title}
      description={props.description}
      footer={props.footer}
    >
      {props.children}
    </Dialog>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="prompt-facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function JumpHostNote({ profile, show }: { profile: Profile | undefined; show: boolean }) {
  if (!profile || !show) return null;
  return (
    <p className="muted prompt-note">
      This is a jump host on the way to <span className="mono">{profile.host}</span>, not the server
      itself.
    </p>
  );
}

function HostKeyDialog({ request, profile, busy, onAnswer }: KindProps<'host-key'>) {
  const { profileName, where, viaJumpHost } = promptPlace(request, profile);
  const keyFile = `/etc/ssh/ssh_host_${hostKeyFileType(request.keyType)}_key.pub`;
  return (
    <PromptFrame
      wide
      title="Trust this server's host key?"
      description={`“${profileName}” is connecting to ${where}, whose host key Burrow has not seen before.`}
      footer={
        <>
          <Button variant="danger" disabled={busy} onClick={() => void onAnswer('reject')}>
            Reject
          </Button>
          <Button disabled={busy} onClick={() => void onAnswer('accept-once')}>
            Accept once
          </Button>
          <Button
            variant="primary"
            disabled={busy}
            busy={busy}
            onClick={() => void onAnswer('accept-save')}
          >
            Accept and save
          </Button>
        </>
      }
    >
      <JumpHostNote profile={profile} show={viaJumpHost} />
      <Facts
        rows={[
          ['Profile', profileName],
          ['Server', <span className="mono">{where}</span>],
          ['Key type', <span className="mono">{request.keyType}</span>],
          ['Fingerprint', <code className="prompt-fingerprint">{request.fingerprint}</code>],
        ]}
      />
      <div className="prompt-icon-line">
        <ShieldQuestion size={16} aria-hidden />
        <p>
          Check the fingerprint before you trust it: ask the server's admin, or run this on the
          server and compare: <code className="prompt-command">ssh-keygen -lf {keyFile}</code>
        </p>
      </div>
      <p className="muted prompt-note">
        “Accept once” trusts the key for this connection only. “Accept and save” adds it to
        known_hosts, so Burrow will not ask again and will refuse a different key later.
      </p>
    </PromptFrame>
  );
}

function RememberChoice(props: {
  canRemember: boolean;
  remember: boolean;
  onChange(remember: boolean): void;
  what: string;
}) {
  const info = useAppInfo();
  if (props.canRemember) {
    return (
      <label className="check">
        <input
          type="checkbox"
          checked={props.remember}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        Remember the {props.what} (encrypted by the system keyring)
      </label>
    );
  }
  const storage = info?.secureStorage;
  if (storage && !storage.available) {
    return (
      <p className="muted prompt-note">
        Burrow cannot remember the {props.what} on this computer: {storage.reason}
      </p>
    );
  }
  return null;
}

function SecretDialog({
  prompt,
  request,
  profile,
  busy,
  onAnswer,
}: KindProps<'password' | 'passphrase'>) {
  const formId = useId();
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const { profileName, where, viaJumpHost } = promptPlace(request, profile);
  const passphrase = request.kind === 'passphrase';
  const what = passphrase ? 'passphrase' : 'password';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onAnswer(value, prompt.canRemember && remember);
  };
  return (
    <PromptFrame
      onCancel={busy ? undefined : () => void onAnswer(null)}
      title={passphrase ? 'Key passphrase needed' : 'Password needed'}
      description={
        passphrase
          ? `“${profileName}” needs the passphrase of a private key to log in to ${where}.`
          : `“${profileName}” needs the password of ${where}.`
      }
      footer={
        <>
          <Button disabled={busy} onClick={() => void onAnswer(null)}>
            Cancel
          </Button>
          <Button type="submit" form={formId} variant="primary" disabled={busy} busy={busy}>
            {passphrase ? 'Unlock' : 'Log in'}
          </Button>
        </>
      }
    >
      <form id={formId} className="prompt-form" onSubmit={submit}>
        <JumpHostNote profile={profile} show={viaJumpHost} />
        {request.kind === 'passphrase' && (
          <Facts rows={[['Key file', <span className="mono">{request.keyPath}</span>]]} />
        )}
        <Field label={passphrase ? 'Passphrase' : 'Password'}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete={passphrase ? 'off' : 'current-password'}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              disabled={busy}
            />
          )}
        </Field>
        <RememberChoice
          canRemember={prompt.canRemember}
          remember={remember}
          onChange={setRemember}
          what={what}
        />
      </form>
    </PromptFrame>
  );
}

function KeyboardInteractiveDialog({
  request,
  profile,
  busy,
  onAnswer,
}: KindProps<'keyboard-interactive'>) {
  const formId = useId();
  const [values, setValues] = useState<string[]>(() => request.prompts.map(() => ''));
  const { profileName, where, viaJumpHost } = promptPlace(request, profile);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onAnswer(values);
  };
  return (
    <PromptFrame
      onCancel={busy ? undefined : () => void onAnswer(null)}
      title={request.name.trim() || 'The server asks'}
      description={`“${profileName}” is logging in to ${where}; the server asks the following.`}
      footer={
        <>
          <Button disabled={busy} onClick={() => void onAnswer(null)}>
            Cancel
          </Button>
          <Button type="submit" form={formId} variant="primary" disabled={busy} busy={busy}>
            Continue
          </Button>
        </>
      }
    >
      <form id={formId} className="prompt-form" onSubmit={submit}>
        <JumpHostNote profile={profile} show={viaJumpHost} />
        {request.instructions.trim() && (
          <p className="prompt-instructions">{request.instructions.trim()}</p>
        )}
        {request.prompts.map((question, i) => (
          <Field
            key={i}
            label={question.prompt.trim() || `Answer ${i + 1}`}
            hint={question.echo ? undefined : 'Hidden as you type.'}
          >
            {(control) => (
              <input
                {...control}
                type={question.echo ? 'text' : 'password'}
                autoComplete={question.echo ? 'one-time-code' : 'off'}
                value={values[i] ?? ''}
                onChange={(e) =>
                  setValues((old) => old.map((v, j) => (j === i ? e.target.value : v)))
                }
                disabled={busy}
              />
            )}
          </Field>
        ))}
      </form>
    </PromptFrame>
  );
}

/** The server key file for the key type a refusal names ("offered ssh-rsa key …"). */
function offeredKeyFile(message: string): string {
  const type = /offered (\S+) key/.exec(message)?.[1];
  return type ? hostKeyFileType(type) : 'ed25519';
}

// ---- a changed host key ------------------------------------------------------------------------

interface Refusal {
  profileId: string;
  message: string;
  /** The engine's own account of the refusal (absent from an older main). */
  hostKey?: HostKeyFacts;
}

/**
 * Shown when a profile newly fails with a changed host key: the engine refuses such a key
 * without asking, so this is where the user learns why and how to fix it. Only transitions
 * count: a profile already failed when the window opened is not announced again.
 */
function HostKeyChangedDialog({ suspended }: { suspended: boolean }) {
  const model = useModel();
  const profiles = useProfiles();
  const settings = useSettings();
  const [queue, setQueue] = useState<Refusal[]>([]);

  useEffect(() => {
    const { status } = model;
    const inMismatch = new Map<string, boolean>();
    const refusal = (id: string): Refusal | null => {
      const session = status.session(id);
      return session.state === 'error' && session.error.kind === 'host-key-mismatch'
        ? { profileId: id, message: session.error.message, hostKey: session.error.hostKey }
        : null;
    };
    const baseline = () => {
      for (const { id } of model.profiles.get() ?? [])
        if (!inMismatch.has(id)) inMismatch.set(id, refusal(id) !== null);
    };
    const check = () => {
      const fresh: Refusal[] = [];
      for (const { id } of model.profiles.get() ?? []) {
        const now = refusal(id);
        if (now && !inMismatch.get(id)) fresh.push(now);
        inMismatch.set(id, now !== null);
      }
      if (fresh.length)
        setQueue((old) => [
          ...old.filter((r) => !fresh.some((f) => f.profileId === r.profileId)),
          ...fresh,
        ]);
    };
    baseline();
    const offStatus = status.subscribeAll(check);
    const offProfiles = model.profiles.subscribe(baseline);
    return () => {
      offStatus();
      offProfiles();
    };
  }, [model]);

  // A refusal whose profile was deleted since has nothing left to fix: skip it.
  const shown = queue.find((r) => profiles?.some((p) => p.id === r.profileId));
  const profile = shown && profiles?.find((p) => p.id === shown.profileId);
  const close = () => setQueue((old) => old.filter((r) => r !== shown));
  if (!shown || !profile) return null;

  // The engine names the host and file; reading them from the message is the fallback.
  const facts = shown.hostKey;
  const knownHosts = facts?.knownHostsPath ?? settings?.knownHostsPath ?? DEFAULT_KNOWN_HOSTS;
  const hop = facts ?? mismatchedHost(profile, profiles ?? [], shown.message);
  const keyFile = facts ? hostKeyFileType(facts.keyType) : offeredKeyFile(shown.message);
  const command = removeKeyCommand(hop.host, hop.port, knownHosts);
  return (
    <Dialog
      open={!suspended}
      onOpenChange={(open) => !open && close()}
      wide
      title="Host key changed: connection refused"
      description={`“${profile.name}” was stopped because the server's host key is not the one saved for it.`}
      footer={
        <Button variant="primary" onClick={close}>
          Done
        </Button>
      }
    >
      <div className="danger prompt-icon-line">
        <ShieldAlert size={16} aria-hidden />
        <p>
          This can mean someone is intercepting the connection (an attack). It can also mean the
          server was reinstalled or its keys were replaced. Burrow will not connect until you sort
          it out.
        </p>
      </div>
      <Facts
        rows={[
          ['Server', <span className="mono">{hostPort(hop.host, hop.port)}</span>],
          ['known_hosts', <span className="mono">{knownHosts}</span>],
        ]}
      />
      <p className="muted prompt-note">{shown.message}</p>
      <p className="prompt-note">When you are sure the new key is genuine:</p>
      <ol className="prompt-steps">
        <li>
          Ask the server's admin for its new fingerprint (on the server:{' '}
          <code>ssh-keygen -lf /etc/ssh/ssh_host_{keyFile}_key.pub</code>).
        </li>
        <li>
          Remove the old key from your known_hosts:
          <div className="prompt-command-row">
            <code className="prompt-command" aria-label="Command to remove the old key">
              {command}
            </code>
            <Button
              icon={<Copy size={14} aria-hidden />}
              onClick={() => void copyText(model, command, 'the command')}
            >
              Copy command
            </Button>
          </div>
        </li>
        <li>
          Connect again, and accept the key only if the fingerprint Burrow shows is the one the
          admin gave you.
        </li>
      </ol>
    </Dialog>
  );
}
