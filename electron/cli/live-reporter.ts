import type { Profile, ProfileStatus } from '../../shared';
import type { OutputStream } from './io';
import type { StatusReporter } from './reporter';
import { renderStatusTable } from './status-table';

export const REDRAW_INTERVAL_MS = 250;

/**
 * A terminal on stdout: one table redrawn in place, at most four times a second however fast
 * the engine reports (and every tick while a reconnect countdown runs).
 */
export class LiveReporter implements StatusReporter {
  private readonly statuses = new Map<string, ProfileStatus>();
  private readonly timer: NodeJS.Timeout;
  /** Lines of the table currently on screen, to go back up over on the next redraw. */
  private drawnLines = 0;
  private drawnText = '';
  private paused = false;

  constructor(
    private readonly out: OutputStream,
    private readonly profiles: readonly Profile[],
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_INTERVAL_MS);
    this.timer.unref();
  }

  update(changed: readonly ProfileStatus[], removed: readonly string[] = []): void {
    for (const status of changed) this.statuses.set(status.profileId, status);
    for (const id of removed) this.statuses.delete(id);
    // The first picture appears at once; later changes wait for the next tick.
    if (this.drawnText === '') this.draw();
  }

  notice(line: string): void {
    this.erase();
    this.out.write(`${line}\n`);
    this.draw();
  }

  pause(): void {
    // The table stays on screen above the prompt; the next draw starts below the prompt.
    this.paused = true;
    this.forgetDrawn();
  }

  resume(): void {
    this.paused = false;
    this.draw();
  }

  close(): void {
    clearInterval(this.timer);
    this.paused = false;
    this.draw();
  }

  private draw(): void {
    if (this.paused) return;
    const lines = renderStatusTable(
      this.profiles,
      this.statuses,
      this.now(),
      this.out.columns || undefined,
    );
    const text = lines.map((l) => `${l}\n`).join('');
    if (text === this.drawnText) return;
    this.out.write(`${this.eraseSequence()}${text}`);
    this.drawnLines = lines.length;
    this.drawnText = text;
  }

  private erase(): void {
    if (this.paused) return;
    this.out.write(this.eraseSequence());
    this.forgetDrawn();
  }

  /** Cursor up over the old table, then clear to the end of the screen. */
  private eraseSequence(): string {
    return this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
  }

  private forgetDrawn(): void {
    this.drawnLines = 0;
    this.drawnText = '';
  }
}
