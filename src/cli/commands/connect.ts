/** `wscope connect URL`: a client, at a terminal (interactive), with -x (execute) or in a pipe. */
import { type Command, Option } from 'commander';
import { connectShape, runConnect } from '../connect-mode.js';
import type { ExitCode } from '../exit-codes.js';
import {
  compressionFlags,
  type CompressionSettings,
  collect,
  collectionFlags,
  type CollectionSettings,
  HEARTBEAT_HELP,
  headerFlags,
  inspectFlags,
  type InspectSettings,
  type HeaderSettings,
  heartbeatFlags,
  type HeartbeatSettings,
  integer,
  interactionFlags,
  type InteractionSettings,
  outputFlags,
  type OutputSettings,
  type RawOptions,
  type RecordingSettings,
  recordingFlags,
  type Role,
  seconds,
  tlsFlags,
  type TlsSettings,
} from '../flags.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples, SLASH_COMMANDS_HELP } from '../help-text.js';
import { createOutput } from '../output.js';
import { withInspector } from '../inspecting.js';
import { withRecording } from '../recording.js';
import { askPassphrase } from '../terminal/passphrase.js';
import { UsageError } from '../usage-error.js';
import type { Subcommand } from './subcommand.js';

export interface ConnectSettings {
  /** The URL, with ws:// added when no scheme is given (as wscat does). */
  url: string;
  headers: HeaderSettings;
  tls: TlsSettings;
  heartbeat: HeartbeatSettings;
  compression: CompressionSettings;
  interaction: InteractionSettings;
  output: OutputSettings;
  recording: RecordingSettings;
  inspect: InspectSettings;
  execute: string[];
  /** Seconds to wait after -x (or after stdin ends in pipe mode) before closing; -1: forever. */
  wait: number | undefined;
  followRedirects: boolean;
  maxRedirects: number;
  proxy?: string;
  /** Attempts after a lost connection; Infinity without a number; undefined: no reconnecting. */
  reconnect: number | undefined;
  /** --collection FILE (with --env, --var). */
  collection?: CollectionSettings;
}

export const DEFAULT_MAX_REDIRECTS = 10;

/** The flags only a client has; `wscope -c` shares them with listen's in one command. */
export function addConnectOwnFlags(command: Command, role: Role): void {
  const only = role === 'either' ? ' (--connect only)' : '';
  const group = 'Connection:';
  const add = (option: Option) => command.addOption(option.helpGroup(group));
  add(new Option('-L, --location', `follow redirects${only}`));
  add(new Option('--max-redirects [num]', 'maximum number of redirects allowed').argParser(integer(0, 1000)).default(DEFAULT_MAX_REDIRECTS));
  add(new Option('--proxy <[protocol://]host[:port]>', 'connect via an HTTP proxy that supports CONNECT'));
  add(new Option('-x, --execute <command>', `send this message after connecting; repeat for several${only}`).argParser(collect));
  add(
    new Option('-w, --wait <seconds>', 'seconds to wait after -x (default 2) or after stdin ends (default 0) before closing; -1: forever').argParser(
      seconds(true),
    ),
  );
  add(new Option('--reconnect [n]', 'reconnect after a lost connection, n times (default: forever), with backoff and jitter').argParser(integer(1, 1_000_000)));
}

/** ws: and wss: URLs (http: and https: too, as browsers accept them), checked before connecting. */
export function checkUrl(given: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `ws://${given}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a valid URL`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol))
    throw new UsageError(`unsupported URL scheme ${parsed.protocol} in '${url}' (use ws: or wss:)`);
  if (parsed.hash) throw new UsageError(`a WebSocket URL cannot have a fragment: '${url}'`);
  return url;
}

export function readConnectSettings(url: string, raw: RawOptions): ConnectSettings {
  const maxRedirects = raw['maxRedirects'] as number | true;
  const reconnect = raw['reconnect'] as number | boolean | undefined;
  const proxy = raw['proxy'] as string | undefined;
  const collection = collectionFlags.read(raw);
  return {
    url: checkUrl(url),
    headers: headerFlags.read(raw),
    tls: tlsFlags.read(raw),
    heartbeat: heartbeatFlags.read(raw),
    compression: compressionFlags.read(raw),
    interaction: interactionFlags.read(raw),
    output: outputFlags.read(raw),
    recording: recordingFlags.read(raw),
    inspect: inspectFlags.read(raw),
    execute: (raw['execute'] as string[] | undefined) ?? [],
    wait: raw['wait'] as number | undefined,
    followRedirects: (raw['location'] as boolean | undefined) ?? false,
    maxRedirects: maxRedirects === true ? DEFAULT_MAX_REDIRECTS : maxRedirects,
    ...(proxy !== undefined && { proxy }),
    reconnect: reconnect === undefined || reconnect === false ? undefined : reconnect === true ? Infinity : reconnect,
    ...(collection && { collection }),
  };
}

export async function connectFromSettings(settings: ConnectSettings): Promise<ExitCode> {
  const stdoutIsTty = Boolean(process.stdout.isTTY);
  const shape = connectShape(settings, Boolean(process.stdin.isTTY), stdoutIsTty);
  // -x at a terminal is watched by a person: the terminal's view (`< `, --json), as interactively.
  const output = createOutput(settings.output, shape === 'interactive' || (shape === 'execute' && stdoutIsTty));
  const passphrase = settings.tls.passphrase === true ? await askPassphrase() : settings.tls.passphrase;
  return withInspector(
    settings.inspect,
    settings.url,
    (choice, composer) => withRecording(settings.recording, () => runConnect(settings, shape, output, passphrase, composer), choice),
    { clients: false },
  );
}

const CONNECT_HELP = `
${examples([
  ['wscope connect ws://127.0.0.1:8765/status', "typed lines are sent, '< ' marks what arrives"],
  ["wscope connect wss://api.example/ws -H 'Authorization: Bearer T' --slash", '/ping, /pong, /close 4001 bye, /binary 00ff, /file PATH'],
  ['echo \'{"op":"hi"}\' | wscope connect ws://localhost:8765 -w 1 > replies.txt', 'pipe mode: one message per line, replies on stdout'],
  ['wscope connect ws://localhost:8765 -x ping -x status -w 3', 'send two messages, print replies for 3 s, close'],
  ['wscope connect ws://localhost:8765 --reconnect --ping-interval 10 --ping-timeout 3 -P', 'keep a session alive: ping every 10 s, reconnect when lost'],
])}

${SLASH_COMMANDS_HELP}
  (with --slash, or always in listen mode; without it a line starting with / is sent as text)

${HEARTBEAT_HELP}

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

export const connectCommand: Subcommand = {
  name: 'connect',
  summary: 'connect to a WebSocket server (wscat -c)',
  define(command, schedule) {
    command
      .description('Connect to a WebSocket server: at a terminal type messages, in a pipe send records and print replies.')
      .argument('<url>', 'ws:// or wss:// URL (ws:// is added when no scheme is given)')
      .usage('<url> [options]');
    headerFlags.add(command, 'client');
    addConnectOwnFlags(command, 'client');
    tlsFlags.add(command, 'client');
    heartbeatFlags.add(command);
    compressionFlags.add(command, 'client');
    interactionFlags.add(command, 'client');
    outputFlags.add(command);
    recordingFlags.add(command);
    collectionFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText('after', CONNECT_HELP);
    command.action((url: string, raw: RawOptions) => schedule(() => connectFromSettings(readConnectSettings(url, raw))));
  },
};
