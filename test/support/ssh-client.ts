import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

/** Answers one keyboard-interactive round: gets the prompts, returns the answers. */
export type KeyboardResponder = (
  prompts: { prompt: string; echo: boolean }[],
  name: string,
  instructions: string,
) => string[];

/** Extra knobs for connectClient. */
export interface ConnectClientOptions {
  timeoutMs?: number;
  /** Answers keyboard-interactive rounds; also turns on ssh2's `tryKeyboard`. */
  keyboard?: KeyboardResponder;
}

/**
 * Connects a raw ssh2 Client and resolves once it is ready (rejects with the client's error):
 * lets harness and engine tests check a server without going through the engine.
 */
export function connectClient(
  config: ConnectConfig,
  opts: ConnectClientOptions = {},
): Promise<Client> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      client.end();
      reject(new Error(`ssh2 connect to ${config.host}:${config.port} timed out`));
    }, timeoutMs);
    client.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      reject(err);
    });
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    const keyboard = opts.keyboard;
    if (keyboard) {
      client.on('keyboard-interactive', (name, instructions, _lang, prompts, finish) =>
        finish(
          keyboard(
            prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false })),
            name,
            instructions,
          ),
        ),
      );
    }
    // ssh2 skips 'keyboard-interactive' (even when authHandler names it) unless tryKeyboard is set.
    client.connect({
      readyTimeout: timeoutMs,
      ...(keyboard ? { tryKeyboard: true } : {}),
      ...config,
    });
  });
}

/** Opens a direct-tcpip channel (what `-L` does per connection) as a promise. */
export function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, channel) =>
      err ? reject(err) : resolve(channel),
    );
  });
}

/** Asks the server to listen (what `-R` does) and resolves with the port it bound. */
export function forwardIn(client: Client, bindAddr: string, bindPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    client.forwardIn(bindAddr, bindPort, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

/** Writes a payload into a channel, ends it, and collects everything until the channel closes. */
export function channelRoundTrip(
  channel: ClientChannel,
  payload: Buffer,
  timeoutMs = 10_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error('channel round trip timed out')), timeoutMs);
    channel.on('data', (d: Buffer) => chunks.push(d));
    channel.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    channel.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    channel.end(payload);
  });
}

/** Resolves when the client's connection closes (after 'end'/'error'), for drop tests. */
export function clientClosed(client: Client): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}
