/**
 * The command line: wscat 6.x's flags with wscat's meanings, and wscope's own. Parsed with
 * commander, as wscat is, so the edge cases (`-w -1`, repeated `-H`, `--no-check`, optional
 * values such as `--passphrase [p]`) behave the same.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODE_TABLE } from './exit-codes.js';
import type { BinaryView } from './format.js';

export interface CliOptions {
  mode: 'connect' | 'listen';
  /** Connect mode: the URL, with ws:// added when no scheme is given (as wscat does). */
  url: string;
  /** Listen mode: the port (0: any free port). */
  port: number;
  headers: Array<[string, string]>;
  auth?: string;
  host?: string;
  origin?: string;
  subprotocols: string[];
  followRedirects: boolean;
  maxRedirects: number;
  ca?: string;
  cert?: string;
  key?: string;
  /** `true`: --passphrase without a value, ask for it. */
  passphrase?: string | true;
  checkCertificates: boolean;
  proxy?: string;
  color: boolean;
  showPingPong: boolean;
  slash: boolean;
  execute: string[];
  /** Seconds to wait after -x (or after stdin ends in pipe mode) before closing; -1: forever. */
  wait: number | undefined;
  echo: boolean;
  broadcast: boolean;
  path?: string;
  showHeaders: boolean;
  maxPayload?: number;
  pingInterval?: number;
  pingTimeout?: number;
  pingRetries?: number;
  /** Attempts after a lost connection; Infinity without a number; undefined: no reconnecting. */
  reconnect: number | undefined;
  json: boolean;
  binaryView: BinaryView | undefined;
  timestamps: boolean;
  showFrames: boolean;
  binary: boolean;
  nullSeparated: boolean;
  base64: boolean;
  raw: boolean;
  compression: boolean;
  /** Every event of every connection as JSON lines on stdout (docs/trace.md). */
  jsonl: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE_HINT = "(run 'wscope --help' for usage)";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function seconds(allowForever: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (allowForever && n === -1) return -1;
    if (value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(allowForever ? 'expected seconds (or -1 for forever)' : 'expected a number of seconds');
    return n;
  };
}

function positiveSeconds(value: string): number {
  const n = seconds(false)(value);
  if (n === 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
}

const EXAMPLES = `
Examples:
  wscope -l 8765                          a WebSocket server on port 8765; type to send to every client
  wscope -c ws://127.0.0.1:8765/status    connect; typed lines are sent, '< ' marks what arrives
  wscope -c wss://api.example/ws -H 'Authorization: Bearer T' --slash
                                          /ping, /pong, /close 4001 bye, /binary 00ff, /file PATH
  echo '{"op":"hi"}' | wscope -c ws://localhost:8765 -w 1 > replies.txt
                                          pipe mode: one message per line, replies on stdout
  wscope -c ws://localhost:8765 -x ping -x status -w 3
                                          send two messages, print replies for 3 s, close
  wscope -l 9000 --echo --max-payload 1048576
                                          an echo peer for conformance suites
  wscope -c ws://localhost:8765 --reconnect --ping-interval 10 --ping-timeout 3 -P

Slash commands (listen mode, or --slash): /ping [data]  /pong [data]  /close [code [reason]]
  /binary HEX  /file PATH  /to ID MESSAGE  /clients  /help  /quit     ('//x' sends '/x')

Exit codes:
${EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(3)}${text}`).join('\n')}

Environment: NO_COLOR disables colour; WSCOPE_HISTORY is the history file (default ~/.wscope_history,
empty: no history).`;

export function buildProgram(version: string): Command {
  const program = new Command('wscope');
  program
    .usage('[options] (--listen <port> | --connect <url>)')
    .description('A WebSocket workbench: wscat-compatible client and server, and more.')
    .version(version, '-V, --version', 'output the version number')
    .helpOption('-h, --help', 'display help with examples and exit codes')
    .option('-c, --connect <url>', 'connect to a WebSocket server')
    .option('-l, --listen <port>', 'listen on port (0: any free port)', integer(0, 65535))
    .option('-H, --header <header:value>', 'set an HTTP header; repeat to set several (--connect only)', collect, [])
    .option('--auth <username:password>', 'add a basic HTTP authentication header (--connect only)')
    .option('--host <host>', 'connect: the Host header (and TLS server name); listen: the address to bind')
    .option('-o, --origin <origin>', 'optional origin')
    .option('-s, --subprotocol <protocol>', 'offer (connect) or accept (listen) a subprotocol; repeat for several', collect, [])
    .option('-p, --protocol <version>', 'protocol version (only 13, RFC 6455, is spoken)')
    .option('-L, --location', 'follow redirects (--connect only)')
    .option('--max-redirects [num]', 'maximum number of redirects allowed', integer(0, 1000), 10)
    .option('--ca <ca>', 'a Certificate Authority file to trust (--connect only)')
    .option('--cert <cert>', 'a certificate file: the client certificate, or the server certificate with --listen')
    .option('--key <key>', "the certificate's private key file")
    .option('--passphrase [passphrase]', "the key's passphrase; without a value it is asked for")
    .option('-n, --no-check', 'do not check for unauthorized certificates')
    .option('--proxy <[protocol://]host[:port]>', 'connect via an HTTP proxy that supports CONNECT')
    .option('--no-color', 'run without color')
    .option('-P, --show-ping-pong', 'print pings and pongs received, with round-trip times')
    .option('--slash', 'enable slash commands in connect mode (always on in interactive listen mode)')
    .option('-x, --execute <command>', 'send this message after connecting; repeat for several (--connect only)', collect, [])
    .option('-w, --wait <seconds>', 'seconds to wait after -x (or after stdin ends) before closing; -1: forever', seconds(true))
    .option('--echo', 'send every message back to its sender (both modes)')
    .option('--broadcast', 'listen: forward every message to all other clients')
    .option('--path <path>', 'listen: serve only this path (others get 404)')
    .option('--show-headers', 'listen: print the request headers of each client')
    .option('--max-payload <bytes>', 'largest message accepted; larger ones close with 1009', integer(1, Number.MAX_SAFE_INTEGER))
    .option('--ping-interval <s>', 'ping every s seconds (heartbeat)', positiveSeconds)
    .option('--ping-timeout <s>', 'seconds to wait for the first pong (default: the interval)', positiveSeconds)
    .option('--ping-retries <n>', 'more pings, each waiting twice as long, before giving up (default 2)', integer(0, 100))
    .option('--reconnect [n]', 'reconnect after a lost connection, n times (default: forever), with backoff and jitter', integer(1, 1_000_000))
    .option('--json', 'pretty-print JSON messages')
    .addOption(new Option('--binary-view <view>', 'show binary messages as').choices(['hex', 'base64', 'utf8']))
    .option('--timestamps', 'print the time of every line')
    .option('--show-frames', 'print every frame: opcode, fin, rsv, mask, length')
    .option('--binary', 'pipe mode: send records as binary messages, write binary messages raw')
    .option('--null', 'pipe mode: records end with NUL instead of newline (in and out)')
    .option('--base64', 'pipe mode: records are base64 of binary messages (in and out)')
    .option('--jsonl', 'write every event of every connection (handshake, messages, pings, pongs, close, errors) as one JSON object per line on stdout')
    .option('--raw', 'allow /close with codes that may not be sent (1005, 1006, 1015, 2000...)')
    .option('--no-compression', 'do not offer permessage-deflate')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(USAGE_HINT)
    .allowExcessArguments(false)
    .exitOverride();
  return program;
}

/** ws: and wss: URLs (http: and https: too, as browsers accept them), checked before connecting. */
function checkUrl(url: string): string {
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

/** Turn commander's raw values into CliOptions, with the checks commander cannot express. */
export function toCliOptions(raw: Record<string, unknown>): CliOptions {
  const get = <T>(name: string) => raw[name] as T;
  const connect = get<string | undefined>('connect');
  const listen = get<number | undefined>('listen');
  if (connect !== undefined && listen !== undefined) throw new UsageError('use either --listen or --connect, not both');
  if (connect === undefined && listen === undefined) throw new UsageError('give --connect <url> or --listen <port>');
  const protocol = get<string | undefined>('protocol');
  if (protocol !== undefined && protocol.trim() !== '13') {
    throw new UsageError(`protocol version ${protocol} is not supported: wscope speaks version 13 (RFC 6455) only`);
  }
  const headers = get<string[]>('header').map((header): [string, string] => {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`header '${header}' is not in the form 'Name: value'`);
    return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
  });
  const pingInterval = get<number | undefined>('pingInterval');
  const pingTimeout = get<number | undefined>('pingTimeout');
  const pingRetries = get<number | undefined>('pingRetries');
  if (pingInterval === undefined && (pingTimeout !== undefined || pingRetries !== undefined)) {
    throw new UsageError('--ping-timeout and --ping-retries need --ping-interval');
  }
  if (get<boolean>('binary') && get<boolean>('base64')) throw new UsageError('use either --binary or --base64, not both');
  const reconnect = get<number | boolean | undefined>('reconnect');
  const path = get<string | undefined>('path');
  if (path !== undefined && !path.startsWith('/')) throw new UsageError(`--path must start with '/', got '${path}'`);
  const maxRedirects = get<number | true>('maxRedirects');
  const url = connect === undefined ? '' : checkUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(connect) ? connect : `ws://${connect}`);
  const options: CliOptions = {
    mode: connect !== undefined ? 'connect' : 'listen',
    url,
    port: listen ?? 0,
    headers,
    subprotocols: get<string[]>('subprotocol'),
    followRedirects: get<boolean | undefined>('location') ?? false,
    maxRedirects: maxRedirects === true ? 10 : maxRedirects,
    checkCertificates: get<boolean>('check'),
    color: get<boolean>('color'),
    showPingPong: get<boolean | undefined>('showPingPong') ?? false,
    slash: get<boolean | undefined>('slash') ?? false,
    execute: get<string[]>('execute'),
    wait: get<number | undefined>('wait'),
    echo: get<boolean | undefined>('echo') ?? false,
    broadcast: get<boolean | undefined>('broadcast') ?? false,
    showHeaders: get<boolean | undefined>('showHeaders') ?? false,
    reconnect: reconnect === undefined || reconnect === false ? undefined : reconnect === true ? Infinity : reconnect,
    json: get<boolean | undefined>('json') ?? false,
    binaryView: get<BinaryView | undefined>('binaryView'),
    timestamps: get<boolean | undefined>('timestamps') ?? false,
    showFrames: get<boolean | undefined>('showFrames') ?? false,
    binary: get<boolean | undefined>('binary') ?? false,
    nullSeparated: get<boolean | undefined>('null') ?? false,
    base64: get<boolean | undefined>('base64') ?? false,
    raw: get<boolean | undefined>('raw') ?? false,
    compression: get<boolean>('compression'),
    jsonl: get<boolean | undefined>('jsonl') ?? false,
  };
  const optional = {
    auth: get<string | undefined>('auth'),
    host: get<string | undefined>('host'),
    origin: get<string | undefined>('origin'),
    ca: get<string | undefined>('ca'),
    cert: get<string | undefined>('cert'),
    key: get<string | undefined>('key'),
    passphrase: get<string | true | undefined>('passphrase'),
    proxy: get<string | undefined>('proxy'),
    path,
    maxPayload: get<number | undefined>('maxPayload'),
    pingInterval,
    pingTimeout,
    pingRetries,
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [name]: value });
  }
  return options;
}
