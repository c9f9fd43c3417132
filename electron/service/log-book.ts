import type { LogEntry } from '../../shared';

/** The last entries of each profile's log, kept in memory for the window's log view. */
export class LogBook {
  private readonly entries = new Map<string, LogEntry[]>();

  constructor(private readonly perProfile = 500) {}

  add(entry: LogEntry): void {
    let list = this.entries.get(entry.profileId);
    if (!list) this.entries.set(entry.profileId, (list = []));
    list.push(entry);
    if (list.length > this.perProfile) list.splice(0, list.length - this.perProfile);
  }

  of(profileId: string): LogEntry[] {
    return [...(this.entries.get(profileId) ?? [])];
  }

  forget(profileId: string): void {
    this.entries.delete(profileId);
  }
}
