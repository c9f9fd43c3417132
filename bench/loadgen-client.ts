import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LoadGenReady, LoadGenReply, LoadGenRequest } from './loadgen';

type TransferRequest = Omit<Extract<LoadGenRequest, { op: 'put' | 'get' }>, 'id'>;
type Request = TransferRequest | { op: 'stats' };

/** One loadgen.ts child and its request/reply bookkeeping. */
class Child {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: LoadGenReply) => void>();

  private constructor(
    readonly process: ChildProcess,
    readonly ready: LoadGenReady,
  ) {
    process.on('message', (msg: LoadGenReply) => {
      const resolve = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      resolve?.(msg);
    });
    process.once('exit', () => {
      for (const resolve of this.pending.values())
        resolve({ id: 0, ok: false, error: 'load generator exited' });
      this.pending.clear();
    });
  }

  static async start(role: 'servers' | 'clients'): Promise<Child> {
    const child = fork(join(import.meta.dirname, 'loadgen.ts'), [role], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<LoadGenReady>((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`load generator (${role}) exited early (code ${code})`));
      child.once('exit', onExit);
      child.once('message', (msg: LoadGenReady) => {
        child.off('exit', onExit);
        resolve(msg);
      });
    });
    return new Child(child, ready);
  }

  call(req: Request): Promise<LoadGenReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.process.connected) return reject(new Error('load generator is gone'));
      this.pending.set(id, resolve);
      this.process.send({ ...req, id });
    });
  }

  async stop(): Promise<void> {
    const p = this.process;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    if (p.connected) p.disconnect();
    else p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The bench's handle on the load generator: the targets in one child process, the throughput
 * clients in another (bench/loadgen.ts explains why).
 */
export class LoadGen {
  private constructor(
    private readonly servers: Child,
    private readonly clients: Child,
  ) {}

  static async start(): Promise<LoadGen> {
    const [servers, clients] = await Promise.all([Child.start('servers'), Child.start('clients')]);
    return new LoadGen(servers, clients);
  }

  get dataPort(): number {
    return this.servers.ready.dataPort!;
  }

  get echoPort(): number {
    return this.servers.ready.echoPort!;
  }

  /** Both processes, for their CPU time. */
  get pids(): number[] {
    return [this.servers.process.pid ?? -1, this.clients.process.pid ?? -1];
  }

  /** Times one transfer; throws with the load generator's reason when it failed or was short. */
  async transfer(req: TransferRequest): Promise<{ seconds: number; bytes: number }> {
    const reply = await this.clients.call(req);
    if (!reply.ok) throw new Error(reply.error);
    if (!('seconds' in reply)) throw new Error('load generator: unexpected reply');
    return reply;
  }

  /** Connections open on the targets right now. */
  async stats(): Promise<{ echoOpen: number; dataOpen: number }> {
    const reply = await this.servers.call({ op: 'stats' });
    if (!reply.ok || !('echoOpen' in reply)) throw new Error('load generator: bad stats reply');
    return reply;
  }

  async stop(): Promise<void> {
    await Promise.all([this.servers.stop(), this.clients.stop()]);
  }
}
