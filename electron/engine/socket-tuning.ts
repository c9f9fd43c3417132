import type { Socket } from 'node:net';
import type * as SocketTuningModule from '@burrow/socket-tuning';
import { loadNativePackage, type LoadedBinding } from './native-package';
import { socketFd } from './socket-fd';

// Linux delays a TCP receiver's ACKs once the connection looks interactive ("pingpong" mode:
// this side sent data soon after it received some, as every SSH client does with its window
// adjustments). On a download the server's sshd then sends against late ACKs: its BBR pacing
// and congestion window hold data back, and sshd, the single-threaded limit of every download
// here, spends ~10% more CPU per GiB than when OpenSSH's client reads. Setting TCP_QUICKACK
// after each read of the SSH socket leaves that mode and sends any pending ACK at once.
// Measured in bench/ (README, history; 14 interleaved comparisons of -L, -R and -D downloads):
// sshd's CPU per GiB -8.5% (median), close to what it spends serving `ssh`, and downloads +7.5%
// (median; -4 to +29%). Node has no API for it, hence @burrow/socket-tuning, a small Node-API
// binding built at install. Without it Burrow works as before, only slower.

export type SocketTuningStatus =
  { available: true } | { available: false; needed: boolean; reason: string };

let loaded: LoadedBinding<SocketTuningModule.SocketTuningBinding> | undefined;

function load(): LoadedBinding<SocketTuningModule.SocketTuningBinding> {
  loaded ??= loadNativePackage('@burrow/socket-tuning');
  return loaded;
}

/** Whether the binding loaded; `needed` is false where the kernel has no TCP_QUICKACK anyway. */
export function socketTuningStatus(
  platform: NodeJS.Platform = process.platform,
): SocketTuningStatus {
  const result = load();
  if (result.binding) return { available: true };
  return { available: false, needed: platform === 'linux', reason: result.reason };
}

/** The binding itself, for tests that read the kernel's state back; null when it did not load. */
export function socketTuningBinding(): SocketTuningModule.SocketTuningBinding | null {
  return load().binding;
}

/**
 * Returns what to call after each read from the socket (the SSH connection; a getter, as the
 * reader is made before the socket exists): it re-arms quick ACKs.
 * A no-op where the binding did not load or the kernel refuses (not Linux): the first refusal
 * switches it off for this socket, so a platform without the option pays one call, not one per
 * read.
 */
export function quickAcksAfterReads(socket: () => Socket): () => void {
  const binding = load().binding;
  if (!binding) return noop;
  let enabled = true;
  // Kept once known: a socket keeps its descriptor while open, and reads happen only then.
  let fd = -1;
  return () => {
    if (!enabled) return;
    if (fd < 0) fd = socketFd(socket());
    if (fd >= 0 && !binding.quickAck(fd)) enabled = false;
  };
}

function noop(): void {}
