import type { CommandName } from './cli-error';

const GENERAL = `Usage: burrow <command> [options]

Runs Burrow's SSH tunnels without the app: the same profiles, the same engine.

Commands:
  up                 Connect profiles and keep their forwards open until Ctrl-C
  list               Show the profiles saved by the app
  export             Write saved profiles to a profiles file (no secrets)
  import             Add the profiles of a file to the saved ones
  import-ssh-config  Add hosts from ~/.ssh/config as saved profiles
  validate           Check a profiles file and name every invalid field
  help               Show help for a command: burrow help up

The saved profiles are the app's own (the same file), in:
  Linux    $XDG_CONFIG_HOME/Burrow/profiles.json (~/.config/Burrow/...)
  macOS    ~/Library/Application Support/Burrow/profiles.json
  Windows  %APPDATA%\\Burrow\\profiles.json
Set BURROW_STORE_DIR, or pass --store DIR, to use another folder.

Options:
  -h, --help     Show help
  -V, --version  Print Burrow's version

Exit status: 0 success, 1 every profile stopped on an error retrying cannot fix,
2 bad usage or bad profiles file, 70 internal error, 130 interrupted twice.
`;

const UP = `Usage: burrow up [--file PROFILES.json | --store DIR] [options]

Connects the chosen profiles (all of them unless --profile is given) from a
profiles file, or without --file from the profiles the app saved. One SSH
session each, and keeps their forwards open in the foreground. Ctrl-C (SIGINT)
or SIGTERM closes every tunnel and exits 0; a second Ctrl-C quits at once (130).

Options:
  -f, --file FILE           Burrow profiles file (the app's export format)
      --store DIR           Folder of the saved profiles (default: the app's)
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

const STORE_OPTION = `      --store DIR           Folder of the saved profiles (default: the app's;
                            BURROW_STORE_DIR overrides it too)`;

const LIST = `Usage: burrow list [--store DIR] [--json]

Shows the profiles the app saved, with their forwards. Only reads the file.

Options:
${STORE_OPTION}
      --json                The profiles as one JSON array
  -h, --help                Show this help
`;

const EXPORT = `Usage: burrow export [--profile NAME_OR_ID ...] [--out FILE] [--store DIR]

Writes saved profiles (all unless --profile is given) in the versioned profiles
format the app imports. Passwords and passphrases are never in it. Profiles the
chosen ones use as jump hosts come along.

Options:
  -p, --profile NAME_OR_ID  Export this profile; repeat for more
  -o, --out FILE            Write here instead of standard output
${STORE_OPTION}
  -h, --help                Show this help
`;

const CONFLICT_OPTIONS = `      --on-conflict skip|replace|keep-both
                            When a saved profile has the same id or name:
                            keep the saved one (skip, the default), overwrite
                            it (replace), or save both (keep-both)
      --dry-run             Show what would happen; save nothing`;

const IMPORT = `Usage: burrow import --file PROFILES.json [options]

Adds the profiles of a Burrow profiles file to the saved ones, after showing
what it will do. An invalid file names each bad field and changes nothing;
the import is all or nothing.

Options:
  -f, --file FILE           The profiles file to import
${CONFLICT_OPTIONS}
${STORE_OPTION}
  -h, --help                Show this help

Exit status: 0 imported (or dry run), 2 invalid file or bad usage.
`;

const IMPORT_SSH_CONFIG = `Usage: burrow import-ssh-config [--host ALIAS ...] [options]

Adds hosts from an OpenSSH client config as saved profiles: HostName, Port,
User, IdentityFile, ProxyJump, LocalForward, RemoteForward, DynamicForward,
ServerAlive*, ConnectTimeout and Include are carried over; Host patterns
(Host *) apply as defaults the way ssh applies them. What cannot be carried
over is named in a warning.

Options:
      --host ALIAS          Import this Host; repeat for more (default: all)
      --ssh-config FILE     Read this file instead of ~/.ssh/config
${CONFLICT_OPTIONS}
${STORE_OPTION}
  -h, --help                Show this help
`;

const TOPICS: Record<CommandName, string> = {
  up: UP,
  validate: VALIDATE,
  list: LIST,
  export: EXPORT,
  import: IMPORT,
  'import-ssh-config': IMPORT_SSH_CONFIG,
};

export function usage(topic?: CommandName): string {
  return topic ? TOPICS[topic] : GENERAL;
}
