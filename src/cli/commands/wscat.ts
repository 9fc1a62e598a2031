/**
 * wscat's form, kept as it is: `wscope -c URL` and `wscope -l PORT` with every flag of both
 * modes on the top-level command (the seed's commands, and every wscat habit, are written so).
 */
import { type Command, Option } from 'commander';
import { compressionFlags, headerFlags, heartbeatFlags, interactionFlags, outputFlags, type RawOptions, recordingFlags, tlsFlags } from '../flags.js';
import { UsageError } from '../usage-error.js';
import { addConnectOwnFlags, type ConnectSettings, connectFromSettings, readConnectSettings } from './connect.js';
import { addListenOwnFlags, type ListenSettings, listenFromSettings, parsePort, readListenSettings } from './listen.js';
import type { Schedule } from './subcommand.js';

export function defineWscatForm(program: Command, schedule: Schedule, commandNames: readonly string[]): void {
  program.addOption(new Option('-c, --connect <url>', 'connect to a WebSocket server (as: wscope connect URL)').helpGroup('wscat form:'));
  program.addOption(
    new Option('-l, --listen <port>', 'listen on port (0: any free port) (as: wscope listen PORT)').argParser(parsePort).helpGroup('wscat form:'),
  );
  headerFlags.add(program, 'either');
  addConnectOwnFlags(program, 'either');
  addListenOwnFlags(program, 'either');
  tlsFlags.add(program, 'either');
  heartbeatFlags.add(program);
  compressionFlags.add(program, 'either');
  interactionFlags.add(program, 'either');
  outputFlags.add(program);
  recordingFlags.add(program);
  program.action((raw: RawOptions, command: Command) =>
    schedule(() => {
      const [operand] = command.args;
      if (operand !== undefined) throw new UsageError(`unknown command '${operand}'${suggestion(operand, commandNames)}`);
      const wanted = readWscatSettings(raw);
      return wanted.mode === 'connect' ? connectFromSettings(wanted.settings) : listenFromSettings(wanted.settings);
    }),
  );
}

/** What `wscope -c URL ...` or `wscope -l PORT ...` asks for. */
export function readWscatSettings(raw: RawOptions): { mode: 'connect'; settings: ConnectSettings } | { mode: 'listen'; settings: ListenSettings } {
  const url = raw['connect'] as string | undefined;
  const port = raw['listen'] as number | undefined;
  if (url !== undefined && port !== undefined) throw new UsageError('use either --listen or --connect, not both');
  if (url !== undefined) return { mode: 'connect', settings: readConnectSettings(url, raw) };
  if (port !== undefined) return { mode: 'listen', settings: readListenSettings(port, raw) };
  throw new UsageError('give --connect <url> or --listen <port>');
}

/** What the user probably meant by an operand that is not a command: a URL, a port, a near name. */
function suggestion(operand: string, commandNames: readonly string[]): string {
  if (/^(wss?|https?):\/\//i.test(operand)) return ` (to connect: wscope connect ${operand})`;
  if (/^\d+$/.test(operand)) return ` (to listen: wscope listen ${operand})`;
  const near = commandNames.find((name) => name.startsWith(operand.slice(0, 2)));
  return near ? ` (did you mean ${near}?)` : '';
}
