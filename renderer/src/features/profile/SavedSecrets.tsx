import { KeyRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { SavedSecretView } from '../../../../shared/ipc';
import { usePending } from '../../app/use-pending';
import { useModel, useSession } from '../../state/hooks';
import { Button } from '../../ui/Button';

/**
 * Passwords and passphrases this profile remembers (never their values), each with a way to
 * forget it: a remembered secret that went wrong must not be tried again and again.
 */
export function SavedSecrets({ profileId }: { profileId: string }) {
  const model = useModel();
  const session = useSession(profileId);
  const [secrets, setSecrets] = useState<SavedSecretView[]>([]);
  const [version, setVersion] = useState(0);
  const [forgetting, forget] = usePending();
  // A login may just have remembered one: look again whenever the session changes state.
  useEffect(() => {
    let live = true;
    void model.run('secrets.list', { profileId }, { quiet: true }).then((result) => {
      if (live && result.ok) setSecrets(result.value);
    });
    return () => {
      live = false;
    };
  }, [model, profileId, session.state, version]);
  if (secrets.length === 0) return null;
  return (
    <ul className="saved-secrets" aria-label="Remembered secrets">
      {secrets.map((secret) => (
        <li key={`${secret.kind}:${secret.target}`}>
          <KeyRound size={14} aria-hidden />
          <span>
            {secret.kind === 'password' ? 'Password' : 'Key passphrase'} remembered for{' '}
            <span className="mono">{secret.target}</span>
          </span>
          <Button
            variant="ghost"
            busy={forgetting}
            onClick={() =>
              forget(async () => {
                const result = await model.run('secrets.delete', { profileId, ...secret });
                if (result.ok) model.notify('info', 'Forgotten: Burrow will ask next time.');
                setVersion((v) => v + 1);
              })
            }
          >
            Forget
          </Button>
        </li>
      ))}
    </ul>
  );
}
