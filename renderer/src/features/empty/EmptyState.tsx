import { Plus, Terminal } from 'lucide-react';
import { useNavigation } from '../../app/navigation';
import { Button } from '../../ui/Button';
import './empty.css';

/** First run: what a tunnel is, and one click to the first profile. */
export function EmptyState() {
  const navigation = useNavigation();
  return (
    <div className="page empty-state">
      <img src="./icon.svg" alt="" width={64} height={64} />
      <h1 className="page-title">Welcome to Burrow</h1>
      <p>
        An <strong>SSH tunnel</strong> carries connections through a server you can log in to. With
        one, the database, dashboard or web service that only that server can reach is available on
        a port of this computer, safely encrypted on the way.
      </p>
      <p className="muted">
        A <strong>profile</strong> is one SSH server (host, user and how you log in). Its{' '}
        <strong>forwards</strong> are the tunnels: <em>outgoing</em> to reach a service behind the
        server, <em>incoming</em> to let the server reach something here, or a <em>SOCKS proxy</em>{' '}
        for everything at once.
      </p>
      <div className="toolbar">
        <Button
          variant="primary"
          icon={<Plus size={16} aria-hidden />}
          onClick={() => navigation.go({ page: 'new-profile' })}
        >
          Create your first profile
        </Button>
        <Button
          icon={<Terminal size={16} aria-hidden />}
          onClick={() => navigation.openDialog('ssh-config')}
        >
          Import from ~/.ssh/config
        </Button>
      </div>
    </div>
  );
}
