/**
 * A quick, honest check (not the benchmark suite): MiB/s through one outgoing forward, Burrow
 * beside OpenSSH's `ssh -N -L` on the same sshd and cipher, in the same run, interleaved. Each
 * tunnel is its own process (Burrow as `bin/burrow up`, as a user runs it), and the clients that
 * make and hash the data live in this process, so neither tunnel pays for them.
 * Needs root and sshd: `npm run build && npx tsx bench/quick-throughput.ts [MiB]`.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  const [burrowUp, burrowDown, sshUp, sshDown] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];

  const file = join(keys.dir, 'bench-profiles.json');
  await writeFile(
    file,
    JSON.stringify({
      format: 'burrow-profiles',
      version: 1,
      profiles: [
        {
          id: 'bench',
          name: 'bench',
          host: sshd.host,
          port: sshd.port,
          username: sshd.user,
          auth: [{ type: 'key', path: keys.ed25519.privatePath }],
          forwards: [
            {
              id: 'up',
              type: 'local',
              bindPort: burrowUp,
              targetHost: '127.0.0.1',
              targetPort: sink.port,
            },
            {
              id: 'down',
              type: 'local',
              bindPort: burrowDown,
              targetHost: '127.0.0.1',
              targetPort: source.port,
            },
          ],
        },
      ],
    }),
  );
  const burrow = spawn(
    join(import.meta.dirname, '..', 'bin', 'burrow'),
    ['up', '--file', file, '--json', '--known-hosts', sshd.knownHostsPath],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
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
  await waitFor(
    async () => (await canConnect('127.0.0.1', sshDown)) && canConnect('127.0.0.1', burrowDown),
    15_000,
    'both tunnels to listen',
  );

  const rate = async (work: () => Promise<unknown>): Promise<number> => {
    const start = process.hrtime.bigint();
    await work();
    return size / MiB / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  const runs: Record<string, number[]> = {
    'burrow up': [],
    'ssh up': [],
    'burrow down': [],
    'ssh down': [],
  };
  for (let round = 0; round < 3; round++) {
    runs['burrow up']!.push(await rate(() => sendAndHash('127.0.0.1', burrowUp, size)));
    runs['ssh up']!.push(await rate(() => sendAndHash('127.0.0.1', sshUp, size)));
    runs['burrow down']!.push(await rate(() => receiveAndHash('127.0.0.1', burrowDown)));
    runs['ssh down']!.push(await rate(() => receiveAndHash('127.0.0.1', sshDown)));
  }
  const best = (k: string): number => Math.max(...runs[k]!);
  for (const [k, v] of Object.entries(runs))
    console.log(
      `${k.padEnd(12)} ${v.map((x) => x.toFixed(0).padStart(5)).join(' ')}  MiB/s (best ${best(k).toFixed(0)})`,
    );
  console.log(
    `Burrow/OpenSSH, best of 3, ${size / MiB} MiB, ${CIPHER}: up ${(best('burrow up') / best('ssh up')).toFixed(2)}, down ${(best('burrow down') / best('ssh down')).toFixed(2)}`,
  );

  burrow.kill('SIGINT');
  ssh.kill();
  await Promise.all([sink.dispose(), source.dispose()]);
  await sshd.stop();
  await keys.cleanup();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
