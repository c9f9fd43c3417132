import type { CommandName } from './cli-error';

const GENERAL = `Usage: burrow <command> [options]

Runs Burrow's SSH tunnels without the app: the same profiles, the same engine.

Commands:
  up        Connect profiles and keep their forwards open until Ctrl-C
  validate  Check a profiles file and name every invalid field
  help      Show help for a command: burrow help up

Options:
  -h, --help     Show help
  -V, --version  Print Burrow's version

Exit status: 0 success, 1 every profile stopped on an error retrying cannot fix,
2 bad usage or bad profiles file, 70 internal error, 130 interrupted twice.
`;

const UP = `Usage: burrow up --file PROFILES.json [options]

Connects the chosen profiles (all of them unless --profile is given), one SSH
session each, and keeps their forwards open in the foreground. Ctrl-C (SIGINT)
or SIGTERM closes every tunnel and exits 0; a second Ctrl-C quits at once (130).

Options:
  -f, --file FILE           Burrow profiles file (the app's export format)
  -p, --profile NAME_OR_ID  Run only this profile; repeat for more
      --known-hosts FILE    Host keys to check against and save to
                            (default: ~/.ssh/known_hosts)
      --accept-new-host-keys
                            Trust and save the key of a server seen for the
                            first time, like OpenSSH's
                            StrictHostKeyChecking=accept-new. A changed key is
                            still refused.
      --json                One JSON object per line on stdout for every
                            status change (session, forward, forward-error,
                            counters), for scripts
  -h, --help                Show this help

Without --json, a terminal shows a live table; a pipe or file gets one line
per state change.

Passwords, key passphrases and keyboard-interactive (2FA) questions are asked
on the terminal. Without one (no TTY on stdin and stderr) they come from:
  BURROW_PASSWORD    password, and the answer to a keyboard-interactive
                     round that asks a single hidden question
  BURROW_PASSPHRASE  passphrase of an encrypted private key
A question nothing can answer is cancelled. An unknown host key is rejected
when there is no terminal, unless --accept-new-host-keys is given.

Other environment:
  BURROW_DEBUG=1     Print engine logs, and stack traces of internal errors

Exit status:
  0   stopped by Ctrl-C or SIGTERM
  1   every profile stopped on an error retrying cannot fix (login, host key,
      invalid setting)
  2   bad usage, unreadable or invalid profiles file, unknown --profile
  70  internal error
  130 interrupted twice
`;

const VALIDATE = `Usage: burrow validate --file PROFILES.json [--json]

Checks a Burrow profiles file without connecting anywhere. Prints
"OK: N profiles, M forwards", or one line per invalid field with its path
(profiles[0].forwards[1].bindPort: ...).

Options:
  -f, --file FILE  Burrow profiles file to check
      --json       Print one JSON object: {"ok":true,"profiles":N,"forwards":M}
                   or {"ok":false,"errors":[{"path":...,"message":...}]}
  -h, --help       Show this help

Exit status: 0 valid, 2 unreadable or invalid.
`;

export function usage(topic?: CommandName): string {
  if (topic === 'up') return UP;
  if (topic === 'validate') return VALIDATE;
  return GENERAL;
}
