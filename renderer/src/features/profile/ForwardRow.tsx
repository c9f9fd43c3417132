import { ArrowDown, ArrowUp, Copy, Pencil } from 'lucide-react';
import { memo, useState } from 'react';
import type { Forward, Profile } from '../../../../shared/profile';
import { copyText } from '../../app/clipboard';
import { useNavigation } from '../../app/navigation';
import { usePending } from '../../app/use-pending';
import {
  connectAddress,
  formatBytes,
  formatRate,
  formatTime,
  forwardLabel,
  forwardTone,
} from '../../format';
import { forwardKindTitle, pathPicture } from '../../forward-text';
import { useForward, useModel } from '../../state/hooks';
import { IconButton } from '../../ui/Button';
import { StateDot } from '../../ui/StateDot';
import { Switch } from '../../ui/Switch';
import { Sparkline } from './Sparkline';

/** Every row has the same height, so long lists can mount only what is in view. */
export const FORWARD_ROW_HEIGHT = 92;

const STOPPED = { state: 'stopped' } as const;

/** One forward: toggle, state, bound address, live counters, sparkline and last error. */
export const ForwardRow = memo(function ForwardRow({
  profile,
  forward,
  profiles,
  top,
  position,
  setSize,
}: {
  profile: Profile;
  forward: Forward;
  profiles: readonly Profile[];
  /** Position in a windowed list; undefined in a short list that flows normally. */
  top?: number;
  /** 1-based place in the whole list and its length, for a windowed list's screen readers. */
  position?: number;
  setSize?: number;
}) {
  const model = useModel();
  const navigation = useNavigation();
  const view = useForward(profile.id, forward.id);
  const [pending, run] = usePending();
  const [intent, setIntent] = useState<'start' | 'stop'>('start');
  const state = view?.status.state ?? STOPPED;
  const counters = view?.status.counters;
  const on = state.state === 'active' || state.state === 'starting';
  // Unnamed: its port says which one it is (the badge beside it already says its kind).
  const title = forward.name || (forward.bindPort ? `Port ${forward.bindPort}` : 'Any free port');
  const lastError = state.state === 'error' ? undefined : view?.status.lastError;
  const error = state.state === 'error' ? state.error : lastError;
  const address =
    state.state === 'active'
      ? connectAddress(forward.type, state.bindHost, state.bindPort, profile.host)
      : null;
  // Said only while the engine has not yet said it itself (a start shows "Starting…" soon).
  const pendingNote =
    pending && !(intent === 'start' && state.state === 'starting')
      ? intent === 'start'
        ? 'starting…'
        : 'stopping…'
      : null;
  const ref = { profileId: profile.id, forwardId: forward.id };

  return (
    <li
      className={`forward-row${state.state === 'error' ? ' has-error' : ''}`}
      style={top === undefined ? undefined : { position: 'absolute', top, left: 0, right: 0 }}
      aria-label={title}
      aria-posinset={position}
      aria-setsize={setSize}
    >
      <Switch
        checked={on}
        busy={pending}
        // A stable name; aria-checked says whether it runs (a name that flips reads oddly).
        label={`Run ${title}`}
        onCheckedChange={(next) => {
          setIntent(next ? 'start' : 'stop');
          run(() => model.run(next ? 'tunnels.startForward' : 'tunnels.stopForward', ref));
        }}
      />
      <div className="forward-title">
        <span className="forward-name">{title}</span>
        <span className="kind-badge">{forwardKindTitle(forward.type)}</span>
        {!forward.enabled && <span className="muted small">not started with the profile</span>}
      </div>
      <div className="path-picture" title="Where connections go">
        {pathPicture(profile, forward, profiles)}
      </div>
      {error && (
        <div className={`forward-error${lastError ? ' past' : ''}`} title={error.message}>
          {lastError && <span className="muted">{formatTime(lastError.at)} · </span>}
          {error.message}
        </div>
      )}
      <div className="forward-state">
        <span className="state-line">
          <StateDot tone={forwardTone(state)} label={forwardLabel(state)} />
          <span>{forwardLabel(state)}</span>
          {pendingNote && <span className="pending-note">{pendingNote}</span>}
        </span>
        {address && (
          <button
            type="button"
            className="address"
            aria-label={`Copy address ${address}`}
            title={
              forward.type === 'remote' ? 'Listening on the server; click to copy' : 'Click to copy'
            }
            onClick={() => void copyText(model, address, address)}
          >
            <span className="mono">
              {forward.type === 'remote' ? 'server ' : ''}
              {address}
            </span>
            <Copy size={12} aria-hidden />
          </button>
        )}
      </div>
      <div className="forward-traffic" aria-label="Traffic">
        <div className="counters">
          <span title="Open connections (total since start)">
            {counters?.activeConnections ?? 0} open
            <span className="muted"> / {counters?.totalConnections ?? 0}</span>
          </span>
          <span title={`Downloaded ${formatBytes(counters?.bytesIn ?? 0)} in all`}>
            <ArrowDown size={12} aria-label="down" /> {formatRate(view?.rateIn ?? 0)}
          </span>
          <span title={`Uploaded ${formatBytes(counters?.bytesOut ?? 0)} in all`}>
            <ArrowUp size={12} aria-label="up" /> {formatRate(view?.rateOut ?? 0)}
          </span>
        </div>
        <Sparkline values={view?.history} idle={state.state !== 'active'} />
      </div>
      <IconButton
        className="forward-edit"
        label={`Edit ${title}`}
        icon={<Pencil size={14} aria-hidden />}
        onClick={() =>
          navigation.go({ page: 'edit-profile', profileId: profile.id, forwardId: forward.id })
        }
      />
    </li>
  );
});
