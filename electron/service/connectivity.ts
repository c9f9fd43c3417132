/**
 * When the computer wakes or the network comes back, tunnels should not wait out their backoff,
 * and connections that slept through a long suspend are likely dead without knowing it (the
 * keepalive would need up to a minute to find out). This decides what to ask of the engine; the
 * Electron side only reports the events (powerMonitor, an online check).
 */
export interface ConnectivityTarget {
  reconnectNow(options?: { evenIfConnected?: boolean }): void;
}

export class ConnectivityPolicy {
  private online = true;
  private suspendedAt: number | undefined;

  constructor(
    private readonly engine: ConnectivityTarget,
    /** A sleep longer than this makes even "connected" sessions suspect: reconnect them. */
    private readonly staleAfterMs = 30_000,
  ) {}

  suspended(now = Date.now()): void {
    this.suspendedAt = now;
  }

  resumed(now = Date.now()): void {
    const slept = this.suspendedAt === undefined ? 0 : now - this.suspendedAt;
    this.suspendedAt = undefined;
    this.engine.reconnectNow({ evenIfConnected: slept >= this.staleAfterMs });
  }

  /** Report the result of every online check; only a change from offline to online acts. */
  onlineChanged(online: boolean): void {
    const cameBack = online && !this.online;
    this.online = online;
    if (cameBack) this.engine.reconnectNow();
  }
}
