/** `wscope listen PORT`: a server for many clients at once, at a terminal or as a test peer in a script. */
import { type Command, Option } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import {
  compressionFlags,
  type CompressionSettings,
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
  tlsFlags,
  type TlsSettings,
} from '../flags.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples, SLASH_COMMANDS_HELP } from '../help-text.js';
import { runListen } from '../listen-mode.js';
import { createOutput } from '../output.js';
import { withInspector } from '../inspecting.js';
import { withRecording } from '../recording.js';
import { askPassphrase } from '../terminal/passphrase.js';
import { UsageError } from '../usage-error.js';
import type { Subcommand } from './subcommand.js';

export interface ListenSettings {
  /** The port (0: any free port). */
  port: number;
  headers: HeaderSettings;
  tls: TlsSettings;
  heartbeat: HeartbeatSettings;
  compression: CompressionSettings;
  interaction: InteractionSettings;
  output: OutputSettings;
  recording: RecordingSettings;
  inspect: InspectSettings;
  broadcast: boolean;
  path?: string;
  showHeaders: boolean;
}

export const parsePort = integer(0, 65535);

/** The flags only a server has; `wscope -l` shares them with connect's in one command. */
export function addListenOwnFlags(command: Command, role: Role): void {
  const only = role === 'either' ? 'listen: ' : '';
  const group = 'Serving:';
  const add = (option: Option) => command.addOption(option.helpGroup(group));
  add(new Option('--broadcast', `${only}forward every message to all other clients`));
  add(new Option('--path <path>', `${only}serve only this path (others get 404)`));
  add(new Option('--show-headers', `${only}print the request headers of each client`));
}

export function readListenSettings(port: number, raw: RawOptions): ListenSettings {
  const path = raw['path'] as string | undefined;
  if (path !== undefined && !path.startsWith('/')) throw new UsageError(`--path must start with '/', got '${path}'`);
  const tls = tlsFlags.read(raw);
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new UsageError('listen mode with TLS needs both --cert and --key');
  return {
    port,
    headers: headerFlags.read(raw),
    tls,
    heartbeat: heartbeatFlags.read(raw),
    compression: compressionFlags.read(raw),
    interaction: interactionFlags.read(raw),
    output: outputFlags.read(raw),
    recording: recordingFlags.read(raw),
    inspect: inspectFlags.read(raw),
    broadcast: (raw['broadcast'] as boolean | undefined) ?? false,
    ...(path !== undefined && { path }),
    showHeaders: (raw['showHeaders'] as boolean | undefined) ?? false,
  };
}

export async function listenFromSettings(settings: ListenSettings): Promise<ExitCode> {
  const interactive = Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
  const output = createOutput(settings.output, interactive);
  const passphrase = settings.tls.passphrase === true ? await askPassphrase() : settings.tls.passphrase;
  return withInspector(
    settings.inspect,
    `listen ${settings.port}`,
    (choice, composer) => withRecording(settings.recording, () => runListen(settings, output, passphrase, composer), choice),
    { clients: true },
  );
}

const LISTEN_HELP = `
${examples([
  ['wscope listen 8765', 'a server on port 8765; type to send to every client'],
  ['wscope listen 9000 --echo -q --max-payload 1048576', 'a quiet echo peer for conformance suites and long runs'],
  ['wscope listen 8443 --cert cert.pem --key key.pem', 'the same over wss://'],
  ['wscope listen 8765 --broadcast --path /chat', 'a chat room: each message goes to every other client'],
])}

In a pipe, stdout gets one record per message: '#ID ' (the client's ID and a space), then the
message exactly as it came, then the separator.

${SLASH_COMMANDS_HELP}
  (always on at a terminal; with --slash for lines read from a pipe)

${HEARTBEAT_HELP}

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

export const listenCommand: Subcommand = {
  name: 'listen',
  summary: 'serve WebSocket clients on a port (wscat -l)',
  define(command, schedule) {
    command
      .description('Serve WebSocket clients: each gets an ID; typed lines go to every client, /to ID LINE to one.')
      .argument('<port>', 'the port (0: any free port)', parsePort)
      .usage('<port> [options]');
    headerFlags.add(command, 'server');
    addListenOwnFlags(command, 'server');
    tlsFlags.add(command, 'server');
    heartbeatFlags.add(command);
    compressionFlags.add(command, 'server');
    interactionFlags.add(command, 'server');
    outputFlags.add(command);
    recordingFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText('after', LISTEN_HELP);
    command.action((port: number, raw: RawOptions) => schedule(() => listenFromSettings(readListenSettings(port, raw))));
  },
};
