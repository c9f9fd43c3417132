import { Copy } from 'lucide-react';
import { useLayoutEffect, useRef } from 'react';
import type { LogEntry } from '../../../../shared/status';
import { copyText } from '../../app/clipboard';
import { formatTime } from '../../format';
import { useLog, useModel } from '../../state/hooks';
import { Button } from '../../ui/Button';
import './log.css';

/** Pixels from the bottom that still count as "at the bottom" (rounding, a partial line). */
const BOTTOM_SLACK = 24;

/** The log as plain text, one `HH:MM:SS level message` line per entry. */
export function logText(entries: readonly LogEntry[]): string {
  return entries.map((e) => `${formatTime(e.at)} ${e.level} ${e.message}`).join('\n');
}

/**
 * One profile's connection log (connects, errors, reconnects), oldest first. It follows new lines
 * while scrolled to the bottom, and stays put while the user reads further up.
 */
export function ProfileLog({ profileId }: { profileId: string }) {
  const model = useModel();
  const entries = useLog(profileId);
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && atBottom.current) list.scrollTop = list.scrollHeight;
  }, [entries]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight <= BOTTOM_SLACK;
  };

  const count = entries?.length ?? 0;
  return (
    <section className="profile-log" aria-label="Connection log">
      <div className="profile-log-head">
        <span className="muted">
          {entries === null ? 'Loading…' : `${count} ${count === 1 ? 'entry' : 'entries'}`}
        </span>
        <Button
          icon={<Copy size={14} aria-hidden />}
          disabled={!count}
          onClick={() => entries && void copyText(model, logText(entries), 'the log')}
        >
          Copy log
        </Button>
      </div>
      {entries !== null && count === 0 ? (
        <p className="profile-log-empty muted">
          Nothing logged yet. Connections, errors and reconnects of this profile appear here.
        </p>
      ) : (
        <ol
          ref={listRef}
          className="profile-log-list"
          role="log"
          aria-label="Log entries"
          aria-busy={entries === null || undefined}
          tabIndex={0}
          onScroll={onScroll}
        >
          {(entries ?? []).map((entry) => (
            <li key={entry.seq} className={`log-line log-${entry.level}`}>
              <time className="log-time" dateTime={new Date(entry.at).toISOString()}>
                {formatTime(entry.at)}
              </time>
              <span className={`log-level log-level-${entry.level}`}>{entry.level}</span>
              <span className="log-message">{entry.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
