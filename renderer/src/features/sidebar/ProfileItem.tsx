import { Play, Square } from 'lucide-react';
import { memo } from 'react';
import type { Profile } from '../../../../shared/profile';
import type { ProfileStatus } from '../../../../shared/status';
import { useNavigation } from '../../app/navigation';
import { usePending } from '../../app/use-pending';
import { sessionIsOn, sessionTone, sessionWord, type Tone } from '../../format';
import { useModel, useProfileStatus } from '../../state/hooks';
import { IconButton } from '../../ui/Button';
import { StateDot } from '../../ui/StateDot';

/** A connected profile with a failed forward is in trouble, not fine. */
export function profileTone(status: ProfileStatus | undefined): Tone {
  if (!status) return 'off';
  const tone = sessionTone(status.session);
  if (tone === 'ok' && Object.values(status.forwards).some((f) => f.state.state === 'error'))
    return 'warn';
  return tone;
}

/** One profile in the sidebar: select it, see its state, start or stop it. */
export const ProfileItem = memo(function ProfileItem({
  profile,
  selected,
}: {
  profile: Profile;
  selected: boolean;
}) {
  const model = useModel();
  const navigation = useNavigation();
  const status = useProfileStatus(profile.id);
  const [pending, run] = usePending();
  const on = sessionIsOn(status?.session);
  const label = status ? sessionWord(status.session) : 'Stopped';
  return (
    <li className={`profile-item${selected ? ' selected' : ''}`}>
      <button
        type="button"
        className="profile-select"
        aria-current={selected ? 'page' : undefined}
        aria-label={`${profile.name}, ${profile.username}@${profile.host}, ${label}`}
        onClick={() => navigation.go({ page: 'profile', profileId: profile.id })}
      >
        <StateDot tone={profileTone(status)} label={label} />
        <span className="profile-text">
          <span className="profile-name">{profile.name}</span>
          <span className="profile-host muted">
            {profile.username}@{profile.host}
            {profile.port !== 22 ? `:${profile.port}` : ''}
          </span>
          {profile.tags.length > 0 && (
            <span className="tags">
              {profile.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </span>
          )}
        </span>
      </button>
      <IconButton
        className="profile-toggle"
        label={on ? `Stop ${profile.name}` : `Start ${profile.name}`}
        icon={on ? <Square size={14} aria-hidden /> : <Play size={14} aria-hidden />}
        busy={pending}
        onClick={() =>
          run(() => model.run(on ? 'tunnels.stop' : 'tunnels.start', { profileId: profile.id }))
        }
      />
    </li>
  );
});
