import type { ProfileStatus } from '../../shared';
import type { OutputStream } from './io';
import type { StatusReporter } from './reporter';
import { StatusDiffer, type StatusEvent } from './status-events';

/** `--json`: one object per line on stdout; anything for people goes to stderr. */
export class JsonReporter implements StatusReporter {
  private readonly differ: StatusDiffer;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
    nameOf: (profileId: string) => string,
    private readonly now: () => number = Date.now,
  ) {
    this.differ = new StatusDiffer(nameOf);
  }

  update(changed: readonly ProfileStatus[], removed: readonly string[] = []): void {
    this.print(this.differ.apply(changed, this.now()));
    this.differ.remove(removed);
    this.scheduleCounters();
  }

  notice(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  pause(): void {}

  resume(): void {}

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.print(this.differ.flushCounters(this.now(), true));
  }

  /** Held-back counters must still appear once traffic stops, so wake up when they are due. */
  private scheduleCounters(): void {
    if (this.timer) return;
    const due = this.differ.nextCountersDueAt();
    if (due === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.print(this.differ.flushCounters(this.now()));
        this.scheduleCounters();
      },
      Math.max(0, due - this.now()),
    );
    this.timer.unref();
  }

  private print(events: readonly StatusEvent[]): void {
    if (events.length === 0) return;
    this.stdout.write(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
}
