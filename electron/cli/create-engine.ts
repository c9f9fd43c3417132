import type { EngineOptions, TunnelEngine } from '../engine/api';
import { TunnelManager } from '../engine/manager';

/** The only place the CLI names the real engine; everything else programs against the interface. */
export function createEngine(options: EngineOptions): TunnelEngine {
  return new TunnelManager(options);
}
