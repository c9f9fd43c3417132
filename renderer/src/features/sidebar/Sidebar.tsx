import { Download, FileInput, Play, Plus, Search, Settings, Square, Terminal } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { Profile } from '../../../../shared/profile';
import { useNavigation } from '../../app/navigation';
import { usePending } from '../../app/use-pending';
import { useModel, useProfiles } from '../../state/hooks';
import { Button, IconButton } from '../../ui/Button';
import { exportProfiles } from '../transfer/TransferDialogs';
import { ProfileItem } from './ProfileItem';
import './sidebar.css';

/** Profiles grouped as the user grouped them; ungrouped ones first. */
function groupProfiles(profiles: Profile[]): { group: string | null; profiles: Profile[] }[] {
  const groups = new Map<string | null, Profile[]>();
  for (const profile of profiles) {
    const key = profile.group?.trim() || null;
    groups.set(key, [...(groups.get(key) ?? []), profile]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
    .map(([group, list]) => ({ group, profiles: list }));
}

export function matchesSearch(profile: Profile, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [
    profile.name,
    profile.host,
    profile.username,
    profile.group ?? '',
    ...profile.tags,
    ...profile.forwards.map((f) => f.name ?? ''),
  ]
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function Sidebar() {
  const model = useModel();
  const navigation = useNavigation();
  const profiles = useProfiles();
  const [query, setQuery] = useState('');
  const [startingAll, runAll] = usePending();
  const visible = useMemo(
    () => (profiles ?? []).filter((p) => matchesSearch(p, query)),
    [profiles, query],
  );
  const groups = useMemo(() => groupProfiles(visible), [visible]);
  const selected =
    navigation.route.page === 'profile' || navigation.route.page === 'edit-profile'
      ? navigation.route.profileId
      : null;

  return (
    <nav className="sidebar" aria-label="Profiles">
      <div className="sidebar-head">
        <div className="brand">
          <img src="./icon.svg" alt="" width={22} height={22} />
          <span>Burrow</span>
        </div>
        <div className="toolbar">
          <IconButton
            label="New profile"
            icon={<Plus size={16} aria-hidden />}
            onClick={() => navigation.go({ page: 'new-profile' })}
          />
          <IconButton
            label="Settings"
            icon={<Settings size={16} aria-hidden />}
            aria-current={navigation.route.page === 'settings' ? 'page' : undefined}
            onClick={() => navigation.go({ page: 'settings' })}
          />
        </div>
      </div>
      <div className="sidebar-search">
        <Search size={14} aria-hidden className="search-icon" />
        <input
          type="search"
          className="input"
          placeholder="Search profiles"
          aria-label="Search profiles"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="sidebar-actions">
        <Button
          icon={<Play size={14} aria-hidden />}
          busy={startingAll}
          disabled={!profiles?.length}
          onClick={() => runAll(() => model.run('tunnels.startAll', undefined))}
        >
          Start all
        </Button>
        <Button
          icon={<Square size={14} aria-hidden />}
          disabled={!profiles?.length}
          onClick={() => void model.run('tunnels.stopAll', undefined)}
        >
          Stop all
        </Button>
      </div>
      <div className="sidebar-list">
        {profiles?.length === 0 && <p className="muted sidebar-empty">No profiles yet.</p>}
        {profiles && profiles.length > 0 && visible.length === 0 && (
          <p className="muted sidebar-empty">No profile matches “{query}”.</p>
        )}
        {groups.map(({ group, profiles: members }) => (
          <section key={group ?? ''} className="group" aria-label={group ?? 'Profiles'}>
            {group !== null && <GroupHeader group={group} count={members.length} />}
            <ul className="profile-list" role="list">
              {members.map((profile) => (
                <ProfileItem
                  key={profile.id}
                  profile={profile}
                  selected={profile.id === selected}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
      <div className="sidebar-foot">
        <Button
          variant="ghost"
          icon={<FileInput size={14} aria-hidden />}
          onClick={() => navigation.openDialog('import-file')}
        >
          Import
        </Button>
        <Button
          variant="ghost"
          icon={<Terminal size={14} aria-hidden />}
          onClick={() => navigation.openDialog('ssh-config')}
        >
          From ~/.ssh/config
        </Button>
        <Button
          variant="ghost"
          icon={<Download size={14} aria-hidden />}
          disabled={!profiles?.length}
          onClick={() => void exportProfiles(model)}
        >
          Export all
        </Button>
      </div>
    </nav>
  );
}

function GroupHeader({ group, count }: { group: string; count: number }) {
  const model = useModel();
  const [starting, run] = usePending();
  return (
    <div className="group-head">
      <h2 className="group-name">
        {group} <span className="muted">({count})</span>
      </h2>
      <IconButton
        label={`Start group ${group}`}
        icon={<Play size={13} aria-hidden />}
        busy={starting}
        onClick={() => run(() => model.run('tunnels.startGroup', { group }))}
      />
      <IconButton
        label={`Stop group ${group}`}
        icon={<Square size={13} aria-hidden />}
        onClick={() => void model.run('tunnels.stopGroup', { group })}
      />
    </div>
  );
}
