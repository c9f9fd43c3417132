import type { ProfileStatus, SessionState } from '../../shared';

export interface DropNotification {
  title: string;
  body: string;
}

export interface DropNotifierOptions {
  /** Shows a notification (Electron's Notification in the app). */
  show(notification: DropNotification): void;
  /** Profile names, for the sentences. */
  nameOf(profileId: string): string;
  /** Notifications on or off (a setting); checked each time. */
  enabled(): boolean;
  /** A drop is announced only if the tunnel is still down after this long. */
  graceMs?: number;
  /** At most one notification per profile in this window; more become silent. */
  perProfileMs?: number;
}

type Phase = 'up' | 'down-quiet' | 'down-announced';

/**
 * Turns session state changes into "dropped" and "back" notifications, coalesced so a flapping
 * link never makes a storm: a drop is told only after a grace period (a blip that heals in time
 * says nothing), each profile is limited to one notification per window, and drops that fall
 * due together become one summary.
 */
export class DropNotifier {
  private readonly phase = new Map<string, Phase>();
  private readonly lastShown = new Map<string, number>();
  /** Drops not yet told, with when each is due (its own grace period). */
  private readonly pendingDrops = new Map<string, number>();
  /** Why each profile is down: a final error is told as such, not as "reconnecting". */
  private readonly downReason = new Map<string, string | undefined>();
  private dropTimer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;
  private readonly perProfileMs: number;

  constructor(private readonly options: DropNotifierOptions) {
    this.graceMs = options.graceMs ?? 5000;
    this.perProfileMs = options.perProfileMs ?? 60_000;
  }

  /** Feed the profiles each status batch changed (or every profile of a snapshot). */
  update(statuses: Iterable<ProfileStatus>): void {
    for (const status of statuses) this.observe(status.profileId, status.session);
  }

  dispose(): void {
    clearTimeout(this.dropTimer);
  }

  private observe(profileId: string, session: SessionState): void {
    const previous = this.phase.get(profileId);
    if (session.state === 'connected') {
      this.phase.set(profileId, 'up');
      this.pendingDrops.delete(profileId);
      if (previous === 'down-announced') this.notify([profileId], 'back');
      return;
    }
    const down = session.state === 'reconnecting' || session.state === 'error';
    if (down)
      this.downReason.set(profileId, session.state === 'error' ? session.error.message : undefined);
    if (down && previous === 'up') {
      this.phase.set(profileId, 'down-quiet');
      this.pendingDrops.set(profileId, Date.now() + this.graceMs);
      this.scheduleDrops();
    } else if (session.state === 'stopped') {
      // Stopped on purpose: nothing to tell, and nothing pending.
      this.phase.delete(profileId);
      this.pendingDrops.delete(profileId);
    }
  }

  private scheduleDrops(): void {
    if (this.dropTimer || this.pendingDrops.size === 0) return;
    const next = Math.min(...this.pendingDrops.values());
    this.dropTimer = setTimeout(() => this.announceDrops(), Math.max(0, next - Date.now()));
  }

  private announceDrops(): void {
    this.dropTimer = undefined;
    const now = Date.now();
    const due = [...this.pendingDrops].filter(([, at]) => at <= now).map(([id]) => id);
    for (const id of due) this.pendingDrops.delete(id);
    const still = due.filter((id) => this.phase.get(id) === 'down-quiet');
    for (const id of still) this.phase.set(id, 'down-announced');
    const failed = still.filter((id) => this.downReason.get(id) !== undefined);
    const reconnecting = still.filter((id) => this.downReason.get(id) === undefined);
    if (reconnecting.length) this.notify(reconnecting, 'dropped');
    for (const id of failed) this.notify([id], 'failed');
    this.scheduleDrops();
  }

  private notify(profileIds: string[], what: 'dropped' | 'failed' | 'back'): void {
    const now = Date.now();
    const fresh = profileIds.filter(
      (id) => now - (this.lastShown.get(id) ?? -Infinity) >= this.perProfileMs,
    );
    if (fresh.length === 0 || !this.options.enabled()) return;
    for (const id of fresh) this.lastShown.set(id, now);
    const names = fresh.map((id) => this.options.nameOf(id));
    if (what === 'failed') {
      // Not reconnecting: the engine gave up, and says why (a refused login, a changed key).
      this.options.show({
        title: `${names[0]} stopped`,
        body: this.downReason.get(fresh[0]!) ?? 'The tunnel stopped.',
      });
    } else if (what === 'dropped') {
      this.options.show(
        names.length === 1
          ? {
              title: `${names[0]} dropped`,
              body: 'The tunnel lost its connection. Burrow is reconnecting.',
            }
          : {
              title: `${names.length} tunnels dropped`,
              body: `${names.join(', ')} lost their connection. Burrow is reconnecting.`,
            },
      );
    } else {
      this.options.show({
        title: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} back`,
        body: 'The tunnel is connected again.',
      });
    }
  }
}
