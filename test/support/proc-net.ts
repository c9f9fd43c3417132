import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

// What the kernel says about this process's TCP sockets (Linux /proc), for tests that check
// which descriptors refer to which connection.

/** The socket inode behind one of this process's descriptors, or undefined (not a socket, gone). */
export function socketInode(fd: number | string): string | undefined {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
  } catch {
    return undefined;
  }
}

/** IPv4 TCP sockets on this machine: inode, remote port, and whether established. */
export function tcpSockets(): { inode: string; remotePort: number; established: boolean }[] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 9)
    .map((fields) => ({
      inode: fields[9]!,
      remotePort: parseInt(fields[2]!.split(':')[1]!, 16),
      established: fields[3] === '01',
    }));
}

/** The remote port of the TCP socket behind descriptor `fd`, if it is one. */
export function peerPort(fd: number): number | undefined {
  const inode = socketInode(fd);
  return inode ? tcpSockets().find((s) => s.inode === inode)?.remotePort : undefined;
}

/** How many of this process's descriptors refer to a TCP socket connected to `port`. */
export function descriptorsConnectedTo(port: number): number {
  const inodes = new Set(
    tcpSockets()
      .filter((s) => s.established && s.remotePort === port)
      .map((s) => s.inode),
  );
  return readdirSync('/proc/self/fd').filter((entry) => {
    const inode = socketInode(entry);
    return inode !== undefined && inodes.has(inode);
  }).length;
}

/** How many of this process's descriptors refer to the same socket as descriptor `fd`. */
export function descriptorsSharing(fd: number): number {
  const inode = socketInode(fd);
  return readdirSync('/proc/self/fd').filter((entry) => socketInode(entry) === inode).length;
}
