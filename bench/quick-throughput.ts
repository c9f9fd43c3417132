/**
 * A quick, honest check (not the benchmark suite): bytes per second through one outgoing forward,
 * Burrow's engine beside OpenSSH's `ssh -N -L`, same sshd, same cipher, same machine, same run,
 * interleaved. Run as root with sshd installed: `npx tsx bench/quick-throughput.ts [MiB]`.
 */
import { spawn } from 'node:child_process';
import { TunnelManager } from '../electron/engine/manager';
import { ProfileSchema } from '../shared';
import { makeTestKeys } from '../test/support/keys';
import {
  canConnect,
  freePort,
  receiveAndHash,
  sendAndHash,
  startSinkServer,
  startSourceServer,
  waitFor,
} from '../test/support/net';
import { startSshd } from '../test/support/sshd';

const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 512) * MiB;
const CIPHER = 'aes128-gcm@openssh.com';

async function main(): Promise<void> {
  const keys = await makeTestKeys();
  const sshd = await startSshd({ keys });
  const sink = await startSinkServer();
  const source = await startSourceServer(size);

  const engine = new TunnelManager({
    knownHostsPath: sshd.knownHostsPath,
    prompt: async () => null as never,
  });
  const profile = ProfileSchema.parse({
    id: 'bench',
    name: 'bench',
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    auth: [{ type: 'key', path: keys.ed25519.privatePath }],
    forwards: [
      { id: 'up', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      { id: 'down', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: source.port },
    ],
  });
  await engine.start(profile);
  const portOf = (id: string): number => {
    const state = engine.snapshot().profiles.bench?.forwards[id]?.state;
    if (state?.state !== 'active') throw new Error(`forward ${id}: ${JSON.stringify(state)}`);
    return state.bindPort;
  };

  const [sshUp, sshDown] = [await freePort(), await freePort()];
  const ssh = spawn(
    'ssh',
    [
      '-N',
      '-c',
      CIPHER,
      '-i',
      keys.ed25519.privatePath,
      '-p',
      String(sshd.port),
      '-o',
      `UserKnownHostsFile=${sshd.knownHostsPath}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-L',
      `${sshUp}:127.0.0.1:${sink.port}`,
      '-L',
      `${sshDown}:127.0.0.1:${source.port}`,
      `${sshd.user}@127.0.0.1`,
    ],
    { stdio: 'inherit' },
  );
  await waitFor(() => canConnect('127.0.0.1', sshDown), 10_000, 'ssh -L to listen');

  const time = async (work: () => Promise<unknown>): Promise<number> => {
    const start = process.hrtime.bigint();
    await work();
    return size / MiB / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  const rows: Record<string, number[]> = {
    'burrow up': [],
    'ssh up': [],
    'burrow down': [],
    'ssh down': [],
  };
  for (let round = 0; round < 3; round++) {
    rows['burrow up']!.push(await time(() => sendAndHash('127.0.0.1', portOf('up'), size)));
    rows['ssh up']!.push(await time(() => sendAndHash('127.0.0.1', sshUp, size)));
    rows['burrow down']!.push(await time(() => receiveAndHash('127.0.0.1', portOf('down'))));
    rows['ssh down']!.push(await time(() => receiveAndHash('127.0.0.1', sshDown)));
  }
  const best = (k: string): number => Math.max(...rows[k]!);
  for (const [k, v] of Object.entries(rows))
    console.log(
      `${k.padEnd(12)} ${v.map((x) => x.toFixed(0).padStart(5)).join(' ')}  MiB/s (best ${best(k).toFixed(0)})`,
    );
  console.log(
    `ratio up ${(best('burrow up') / best('ssh up')).toFixed(2)}, down ${(best('burrow down') / best('ssh down')).toFixed(2)} (Burrow / OpenSSH, best of 3, ${size / MiB} MiB, ${CIPHER})`,
  );

  ssh.kill();
  await engine.dispose();
  await Promise.all([sink.dispose(), source.dispose()]);
  await sshd.stop();
  await keys.cleanup();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
