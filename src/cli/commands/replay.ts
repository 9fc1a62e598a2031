/** `wscope replay FILE --target URL`: play a recorded session (HAR or JSONL) again against a server, and with --compare judge its replies. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { checkJsonPaths, SETTLE_MS } from '../../replay/index.js';
import {
  collect,
  compressionFlags,
  type CompressionSettings,
  headerFlags,
  type HeaderSettings,
  integer,
  outputFlags,
  type OutputSettings,
  type RawOptions,
  seconds,
  tlsFlags,
  type TlsSettings,
} from '../flags.js';
import { EXIT_CODES_HELP, examples } from '../help-text.js';
import { reportingBadFiles } from '../recording-file.js';
import { runReplay } from '../replay-mode.js';
import { UsageError } from '../usage-error.js';
import { checkUrl } from './connect.js';
import type { Subcommand } from './subcommand.js';

export interface ReplaySettings {
  file: string;
  target: string;
  conn?: number;
  /** Recorded gaps are divided by this; Infinity: --speed max. */
  speed: number;
  compare: boolean;
  ignore: string[];
  /** Seconds to wait for replies after the last send. */
  wait: number;
  headers: HeaderSettings;
  tls: TlsSettings;
  compression: CompressionSettings;
  output: OutputSettings;
}

export const DEFAULT_REPLAY_WAIT = 2;

function speed(value: string): number {
  if (value === 'max') return Infinity;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a factor above 0 (2: twice as fast) or 'max'");
  return n;
}

function readReplaySettings(file: string, raw: RawOptions): ReplaySettings {
  const ignore = (raw['ignore'] as string[] | undefined) ?? [];
  const compare = (raw['compare'] as boolean | undefined) ?? false;
  if (ignore.length > 0 && !compare) throw new UsageError('--ignore needs --compare');
  const bad = checkJsonPaths(ignore);
  if (bad) throw new UsageError(`--ignore '${bad.path}' is not a JSONPath: ${bad.error}`);
  const conn = raw['conn'] as number | undefined;
  return {
    file,
    target: checkUrl(raw['target'] as string),
    ...(conn !== undefined && { conn }),
    speed: (raw['speed'] as number | undefined) ?? 1,
    compare,
    ignore,
    wait: (raw['wait'] as number | undefined) ?? DEFAULT_REPLAY_WAIT,
    headers: headerFlags.read(raw),
    tls: tlsFlags.read(raw),
    compression: compressionFlags.read(raw),
    output: outputFlags.read(raw),
  };
}

const REPLAY_HELP = `
The target gives the scheme, host and port; the recorded path and query are kept unless the
target has a path (other than /) or a query of its own. The recorded request's headers are sent
again (Origin, Cookie, Authorization, User-Agent...) except the handshake's own and hop-by-hop
ones (Host, Connection, Upgrade, Sec-WebSocket-Key/-Version/-Extensions...); the recorded
subprotocols are offered. -H 'Name: value' replaces a recorded header, -H 'Name:' removes it,
-s replaces the offered subprotocols. A redacted secret ([redacted]) is not sent: give it with -H.

The client's messages go out in order, with the recorded gaps (divided by --speed). After the
last one, wscope waits until as many replies as recorded have come (then ${SETTLE_MS} ms more, for an
extra one), or --wait seconds, or, where the server closed the recorded session, for its Close;
then it closes as the recording's client did.

--compare checks each reply against the recorded one, in order: the same opcode and bytes, or
with --ignore JSONPATH the same JSON once the selected nodes are removed from both. A missing or
extra reply, or another close code, is a difference; the first one is printed as a diff
(- recorded, + replayed) and the exit code is 10.

${examples([
  ['wscope replay session.har --target ws://localhost:8080', 'the recorded path and query, against a local server'],
  ['wscope replay trace.jsonl --target ws://127.0.0.1:8765 --speed max --compare', 'as fast as possible; exit 10 on a difference'],
  ["wscope replay s.har --target wss://staging.example --compare --ignore '$.id' --ignore '$..ts'", 'ids and timestamps do not count'],
  ["wscope replay s.har --target ws://localhost:8080 --conn 2 -H 'Cookie: session=new'", 'one connection, with another cookie'],
])}

${EXIT_CODES_HELP}`;

export const replayCommand: Subcommand = {
  name: 'replay',
  summary: 'replay a recorded session (HAR or JSONL) against a server, and compare the replies',
  define(command: Command, schedule) {
    command
      .description('Replay the client side of recorded WebSocket connections against a target server; print what comes back, or compare it with the recording.')
      .argument('<file>', 'a recording: .har (ours, Chrome DevTools, Playwright) or .jsonl (wscope --jsonl)')
      .usage('<file> --target <url> [options]');
    const group = 'Replay:';
    const add = (option: Option) => command.addOption(option.helpGroup(group));
    add(new Option('--target <url>', 'the server to replay to: ws:// or wss:// URL').makeOptionMandatory());
    add(new Option('--conn <id>', 'replay only this recorded connection').argParser(integer(1, Number.MAX_SAFE_INTEGER)));
    add(new Option('--speed <factor>', "play the recorded gaps this much faster (2: twice as fast; 'max': no waits)").argParser(speed));
    add(new Option('--compare', 'compare each reply (and the close code) with the recorded one; exit 10 on a difference'));
    add(new Option('--ignore <jsonpath>', 'with --compare: leave out what this JSONPath selects in JSON replies; repeat for several').argParser(collect));
    add(new Option('-w, --wait <seconds>', `seconds to wait for replies after the last send (default ${DEFAULT_REPLAY_WAIT})`).argParser(seconds(false)));
    headerFlags.add(command, 'client');
    tlsFlags.add(command, 'client');
    compressionFlags.add(command, 'client');
    outputFlags.add(command);
    command.addHelpText('after', REPLAY_HELP);
    command.action((file: string, raw: RawOptions) => {
      schedule(() => {
        const settings = readReplaySettings(file, raw);
        return reportingBadFiles(file, () => runReplay(settings));
      });
    });
  },
};
