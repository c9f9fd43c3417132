import type { EngineSnapshot, Profile } from '../../shared';
import {
  buildTrayMenu,
  trayState,
  trayTooltip,
  type TrayMenuItem,
  type TrayState,
} from './tray-model';

export interface TrayView {
  state: TrayState;
  tooltip: string;
  menu: TrayMenuItem[];
}

/**
 * Rebuilds the tray view when profiles or live state change, at most every `intervalMs` and only
 * when something visible changed: a busy tunnel moves counters ten times a second, but the menu
 * shows none of them, so the native menu is not rebuilt for them.
 */
export class TrayController {
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  private lastRender = 0;

  constructor(
    private readonly source: { profiles(): readonly Profile[]; snapshot(): EngineSnapshot },
    private readonly render: (view: TrayView) => void,
    private readonly intervalMs = 250,
  ) {}

  /** Something changed; the view is recomputed soon (coalesced). */
  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRender + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.refresh(), wait);
  }

  /** Recomputes now, and renders if the view differs from the last one rendered. */
  refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRender = Date.now();
    const snapshot = this.source.snapshot();
    const view: TrayView = {
      state: trayState(snapshot),
      tooltip: trayTooltip(snapshot),
      menu: buildTrayMenu(this.source.profiles(), snapshot),
    };
    const key = JSON.stringify(view);
    if (key === this.last) return;
    this.last = key;
    this.render(view);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
