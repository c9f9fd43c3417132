// `npm run dev:web`: Burrow's renderer in a browser, over the real engine and store in this
// process (electron/dev-web/server.ts). Development only; never part of the packaged app.
//
//   npm run dev:web -- [--port N] [--store DIR] [--no-hmr] [--known-hosts FILE] [--ssh-config FILE]
//
// Profiles live in .dev-web-store/ in the repo (gitignored) unless --store or BURROW_STORE_DIR
// says otherwise, so development never touches the profiles of the installed app.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { onShutdownSignal } from '../electron/cli/signals';
import { startDevWeb, type DevWebServer } from '../electron/dev-web/server';
import { IMPORT_FILE_ENV } from '../electron/dev-web/web-dialogs';
import { STORE_DIR_ENV } from '../electron/store';

const USAGE = `Usage: npm run dev:web -- [options]

  --port N             Port on 127.0.0.1 (default: any free port)
  --store DIR          Profiles folder (default: $${STORE_DIR_ENV}, else .dev-web-store/)
  --no-hmr             Serve without hot reload
  --known-hosts FILE   known_hosts to check host keys against (default: the app setting)
  --ssh-config FILE    ssh config to import from (default: ~/.ssh/config)
  --help               Show this

Import from a file reads $${IMPORT_FILE_ENV}; exports are written to <store>/exports/.
`;

function fail(message: string): never {
  process.stderr.write(`dev:web: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        store: { type: 'string' },
        'no-hmr': { type: 'boolean', default: false },
        'known-hosts': { type: 'string' },
        'ssh-config': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port needs a number from 0 to 65535, not "${values.port}".`);
  const storeDir = values.store ?? process.env[STORE_DIR_ENV] ?? '.dev-web-store';
  return {
    storeDir: resolve(storeDir),
    port,
    hmr: !values['no-hmr'],
    knownHostsPath: values['known-hosts'] && resolve(values['known-hosts']),
    sshConfigPath: values['ssh-config'],
  };
}

async function main(): Promise<void> {
  const settings = options();
  let server: DevWebServer;
  try {
    server = await startDevWeb({
      ...settings,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `port ${settings.port} on 127.0.0.1 is in use; pick another with --port, or 0.`
        : `could not start: ${(err as Error).message}`,
    );
  }
  process.stdout.write(
    [
      '',
      '  Burrow web development mode',
      '',
      `  Open:    ${server.url}`,
      `  Store:   ${settings.storeDir}`,
      `  Reload:  ${settings.hmr ? 'hot (HMR)' : 'off'}`,
      '',
      '  Keep the URL to yourself: its token is what lets a page drive your tunnels.',
      '  Ctrl-C stops every tunnel and the server.',
      '',
      '',
    ].join('\n'),
  );
  const off = onShutdownSignal(() => {
    process.stderr.write('dev:web: stopping tunnels and the server…\n');
    void server.close().then(
      () => {
        off();
        process.exitCode = 0;
      },
      (err: unknown) => {
        process.stderr.write(`dev:web: stopping failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  });
}

void main();
