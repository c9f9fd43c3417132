import * as Tabs from '@radix-ui/react-tabs';
import { Copy, Download, Pencil, Play, Plus, Square, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { NEW_FORWARD, useNavigation } from '../../app/navigation';
import { useNow } from '../../app/use-now';
import { usePending } from '../../app/use-pending';
import {
  reconnectCountdown,
  sessionIsOn,
  sessionLabel,
  sessionTone,
  sessionWord,
} from '../../format';
import { useModel, useProfiles, useSession } from '../../state/hooks';
import { Button, IconButton } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { StateDot } from '../../ui/StateDot';
import { ProfileLog } from '../log/ProfileLog';
import { exportProfiles } from '../transfer/TransferDialogs';
import { ForwardList } from './ForwardList';
import { SavedSecrets } from './SavedSecrets';
import './profile.css';

/** The selected profile: its connection, its forwards with live state, and its log. */
export function ProfilePane({ profileId, tab }: { profileId: string; tab?: 'forwards' | 'log' }) {
  const model = useModel();
  const navigation = useNavigation();
  const profiles = useProfiles();
  const profile = profiles?.find((p) => p.id === profileId);
  const session = useSession(profileId);
  const now = useNow(session.state === 'reconnecting');
  const [pending, run] = usePending();
  const [intent, setIntent] = useState<'start' | 'stop'>('start');
  // A double click must not make two copies.
  const [duplicating, duplicate] = usePending();
  const [confirmDelete, setConfirmDelete] = useState(false);
  if (!profile) return null;

  const on = sessionIsOn(session);
  const error =
    session.state === 'error'
      ? session.error
      : session.state === 'reconnecting'
        ? session.lastError
        : null;
  const via = profile.jumpHosts.map((hop) =>
    'profileId' in hop
      ? (profiles?.find((p) => p.id === hop.profileId)?.name ?? hop.profileId)
      : hop.host,
  );

  return (
    <div className="page profile-page">
      <header className="page-head">
        <div className="profile-title">
          <h1 className="page-title">
            <StateDot tone={sessionTone(session)} label={sessionLabel(session, now)} />
            {profile.name}
          </h1>
          <div className="page-subtitle">
            <span className="mono">
              {profile.username}@{profile.host}
              {profile.port !== 22 ? `:${profile.port}` : ''}
            </span>
            {via.length > 0 && <span> via {via.join(' → ')}</span>}
            {' · '}
            {/* Only the state word is live: a ticking countdown would be read out every second. */}
            <span className="session-label" aria-live="polite">
              {sessionWord(session)}
            </span>
            {reconnectCountdown(session, now)}
          </div>
        </div>
        <div className="toolbar">
          <Button
            variant={on ? 'secondary' : 'primary'}
            icon={on ? <Square size={14} aria-hidden /> : <Play size={14} aria-hidden />}
            busy={pending}
            onClick={() => {
              setIntent(on ? 'stop' : 'start');
              run(() => model.run(on ? 'tunnels.stop' : 'tunnels.start', { profileId }));
            }}
          >
            {pending ? (intent === 'start' ? 'Starting…' : 'Stopping…') : on ? 'Stop' : 'Start'}
          </Button>
          <Button
            icon={<Pencil size={14} aria-hidden />}
            onClick={() => navigation.go({ page: 'edit-profile', profileId })}
          >
            Edit
          </Button>
          <IconButton
            label="Duplicate"
            icon={<Copy size={15} aria-hidden />}
            busy={duplicating}
            onClick={() =>
              duplicate(async () => {
                const copy = await model.run('profiles.duplicate', { profileId });
                if (copy.ok) navigation.go({ page: 'profile', profileId: copy.value.id });
              })
            }
          />
          <IconButton
            label="Export"
            icon={<Download size={15} aria-hidden />}
            onClick={() => void exportProfiles(model, [profileId])}
          />
          <IconButton
            label="Delete"
            className="btn-danger"
            icon={<Trash2 size={15} aria-hidden />}
            onClick={() => setConfirmDelete(true)}
          />
        </div>
      </header>

      {error && (
        <div className={session.state === 'error' ? 'danger' : 'warning'} role="alert">
          {error.message}
        </div>
      )}

      <SavedSecrets profileId={profileId} />

      <Tabs.Root
        className="tabs"
        value={tab ?? 'forwards'}
        onValueChange={(value) =>
          navigation.go({ page: 'profile', profileId, tab: value as 'forwards' | 'log' })
        }
      >
        <Tabs.List className="tab-list" aria-label="Profile sections">
          <Tabs.Trigger className="tab" value="forwards">
            Forwards ({profile.forwards.length})
          </Tabs.Trigger>
          <Tabs.Trigger className="tab" value="log">
            Log
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="forwards" className="tab-panel">
          {profile.forwards.length === 0 ? (
            <div className="card no-forwards">
              <p>
                This profile has no forwards yet. A forward is one tunnel: a port on this computer
                that leads to a service behind the server, or the other way round.
              </p>
              <Button
                variant="primary"
                icon={<Plus size={14} aria-hidden />}
                onClick={() =>
                  navigation.go({ page: 'edit-profile', profileId, forwardId: NEW_FORWARD })
                }
              >
                Add a forward
              </Button>
            </div>
          ) : (
            <ForwardList profile={profile} />
          )}
        </Tabs.Content>
        <Tabs.Content value="log" className="tab-panel">
          <ProfileLog profileId={profileId} />
        </Tabs.Content>
      </Tabs.Root>

      <Dialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete “${profile.name}”?`}
        description="Its tunnels stop and its saved passwords are forgotten. This cannot be undone; export it first to keep a copy."
        footer={
          <>
            <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
            <Button
              variant="primary"
              className="btn-danger-solid"
              onClick={async () => {
                setConfirmDelete(false);
                const deleted = await model.run('profiles.delete', { profileId });
                // The page goes away with the profile: keep the keyboard in the profile list.
                if (deleted.ok)
                  requestAnimationFrame(() =>
                    document.querySelector<HTMLElement>('.profile-select')?.focus(),
                  );
              }}
            >
              Delete
            </Button>
          </>
        }
      >
        {null}
      </Dialog>
    </div>
  );
}
