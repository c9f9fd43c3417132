import { X } from 'lucide-react';
import { useModel, useNotices } from '../state/hooks';

/** Results of commands ("Exported to …", "The port is in use"), announced politely. */
export function Notices() {
  const model = useModel();
  const notices = useNotices();
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`}>
          <span>{notice.text}</span>
          <button
            type="button"
            className="btn btn-ghost icon-btn"
            aria-label="Dismiss"
            onClick={() => model.dismiss(notice.id)}
          >
            <X size={14} aria-hidden />
          </button>
        </div>
      ))}
    </div>
  );
}
