/**
 * The flag groups every subcommand draws from, each defined once: headers (the handshake's
 * request), TLS, heartbeat, compression (and the message size limit), interaction, output,
 * recording, and the proxy's faults (parsed in src/proxy/faults/).
 * A group adds its options to a commander Command and reads them back into settings, with the
 * checks commander cannot express. Flags mean what they mean in wscat 6.x; where a flag means
 * something else for a server (`--host`, `-s`), the role picks the help text.
 */
import { constants } from 'node:buffer';
import { isIP } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CLOSE_CODE, type FaultKind, type FaultSettings, FaultSpecError, parseCloseCode, parseCloseReason, parseFault } from '../proxy/faults/index.js';
import { RECORD_EXTENSIONS, recordFormatOf } from '../record/index.js';
import type { BinaryView } from './format.js';
import { UsageError } from './usage-error.js';

/** Who the flags are for: `connect` (a client), `listen` (a server), or wscat's `-c`/`-l` form (either). */
export type Role = 'client' | 'server' | 'either';

/** commander's parsed values, by attribute name. */
export type RawOptions = Record<string, unknown>;

/** A repeatable flag: every value, in order (no default, so --help shows none). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

export function seconds(allowForever: boolean) {
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

function pick(role: Role, texts: { client: string; server: string; either: string }): string {
  return texts[role];
}

function add(command: Command, group: string, option: Option): void {
  command.addOption(option.helpGroup(group));
}

const get = <T>(raw: RawOptions, name: string) => raw[name] as T;

/** Copy the defined values only (exactOptionalPropertyTypes: an absent setting is absent, not undefined). */
function defined<T extends object>(values: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
}

// --- headers: what the opening handshake's request carries ----------------------------------

export interface HeaderSettings {
  headers: Array<[string, string]>;
  subprotocols: string[];
  auth?: string;
  /** Client: the Host header (and TLS server name). Server: the address to bind. */
  host?: string;
  origin?: string;
}

export const headerFlags = {
  /** `protocolVersion: false` leaves out -p/--protocol, for a command whose --protocol means something else (graphql). */
  add(command: Command, role: Role, { protocolVersion = true }: { protocolVersion?: boolean } = {}): void {
    const group = 'Handshake:';
    if (role !== 'server') {
      const only = role === 'either' ? ' (--connect only)' : '';
      add(command, group, new Option('-H, --header <header:value>', `set an HTTP header; repeat to set several${only}`).argParser(collect));
      add(command, group, new Option('--auth <username:password>', `add a basic HTTP authentication header${only}`));
      add(command, group, new Option('-o, --origin <origin>', 'optional origin'));
    }
    add(
      command,
      group,
      new Option(
        '--host <host>',
        pick(role, {
          client: 'the Host header (and TLS server name)',
          server: 'the address to bind (default: every address)',
          either: 'connect: the Host header (and TLS server name); listen: the address to bind',
        }),
      ),
    );
    add(
      command,
      group,
      new Option(
        '-s, --subprotocol <protocol>',
        pick(role, {
          client: 'offer a subprotocol; repeat for several, in order of preference',
          server: 'accept a subprotocol; repeat for several',
          either: 'offer (connect) or accept (listen) a subprotocol; repeat for several',
        }),
      ).argParser(collect),
    );
    if (protocolVersion) add(command, group, new Option('-p, --protocol <version>', 'protocol version (only 13, RFC 6455, is spoken)'));
  },
  read(raw: RawOptions): HeaderSettings {
    const protocol = get<string | undefined>(raw, 'protocol');
    if (protocol !== undefined && protocol.trim() !== '13') {
      throw new UsageError(`protocol version ${protocol} is not supported: wscope speaks version 13 (RFC 6455) only`);
    }
    const headers = (get<string[] | undefined>(raw, 'header') ?? []).map((header): [string, string] => {
      const colon = header.indexOf(':');
      if (colon <= 0) throw new UsageError(`header '${header}' is not in the form 'Name: value'`);
      return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
    });
    return {
      headers,
      subprotocols: get<string[] | undefined>(raw, 'subprotocol') ?? [],
      ...defined<Pick<HeaderSettings, 'auth' | 'host' | 'origin'>>({
        auth: get<string | undefined>(raw, 'auth'),
        host: get<string | undefined>(raw, 'host'),
        origin: get<string | undefined>(raw, 'origin'),
      }),
    };
  },
};

// --- TLS ---------------------------------------------------------------------------------------

export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  /** `true`: --passphrase without a value, ask for it. */
  passphrase?: string | true;
  checkCertificates: boolean;
}

export const tlsFlags = {
  /** `shortNoCheck: false`: --no-check without wscat's -n, for a command whose -n is a count (graphql). */
  add(command: Command, role: Role, { shortNoCheck = true }: { shortNoCheck?: boolean } = {}): void {
    const group = 'TLS:';
    add(
      command,
      group,
      new Option(
        '--ca <ca>',
        pick(role, {
          client: 'a Certificate Authority file to trust',
          server: 'a Certificate Authority file to trust for client certificates',
          either: 'a Certificate Authority file to trust (--connect only)',
        }),
      ),
    );
    add(
      command,
      group,
      new Option(
        '--cert <cert>',
        pick(role, {
          client: 'a client certificate file',
          server: 'the server certificate file: serve wss (needs --key)',
          either: 'a certificate file: the client certificate, or the server certificate with --listen',
        }),
      ),
    );
    add(command, group, new Option('--key <key>', "the certificate's private key file"));
    add(command, group, new Option('--passphrase [passphrase]', "the key's passphrase; without a value it is asked for"));
    if (role !== 'server') add(command, group, new Option(`${shortNoCheck ? '-n, ' : ''}--no-check`, 'do not check for unauthorized certificates'));
  },
  read(raw: RawOptions): TlsSettings {
    return {
      checkCertificates: get<boolean | undefined>(raw, 'check') ?? true,
      ...defined<Omit<TlsSettings, 'checkCertificates'>>({
        ca: get<string | undefined>(raw, 'ca'),
        cert: get<string | undefined>(raw, 'cert'),
        key: get<string | undefined>(raw, 'key'),
        passphrase: get<string | true | undefined>(raw, 'passphrase'),
      }),
    };
  },
};

// --- heartbeat -----------------------------------------------------------------------------------

export interface HeartbeatSettings {
  /** Seconds between the last pong and the next ping. */
  pingInterval?: number;
  /** Seconds to wait for the first pong. */
  pingTimeout?: number;
  /** Pings after the first unanswered one, each waiting twice as long as the one before. */
  pingRetries?: number;
}

export const DEFAULT_PING_RETRIES = 2;

export const heartbeatFlags = {
  add(command: Command): void {
    const group = 'Heartbeat:';
    add(command, group, new Option('--ping-interval <s>', 'ping every s seconds (heartbeat)').argParser(positiveSeconds));
    add(command, group, new Option('--ping-timeout <s>', 'seconds to wait for the first pong (default: the interval)').argParser(positiveSeconds));
    add(
      command,
      group,
      new Option('--ping-retries <n>', `more pings, each waiting twice as long, before giving up (default ${DEFAULT_PING_RETRIES})`).argParser(integer(0, 100)),
    );
  },
  read(raw: RawOptions): HeartbeatSettings {
    const settings = defined<HeartbeatSettings>({
      pingInterval: get<number | undefined>(raw, 'pingInterval'),
      pingTimeout: get<number | undefined>(raw, 'pingTimeout'),
      pingRetries: get<number | undefined>(raw, 'pingRetries'),
    });
    if (settings.pingInterval === undefined && (settings.pingTimeout !== undefined || settings.pingRetries !== undefined)) {
      throw new UsageError('--ping-timeout and --ping-retries need --ping-interval');
    }
    return settings;
  },
};

/**
 * How long a frozen peer lasts, for --help and README: after its last pong the next ping leaves
 * `interval` later, then each unanswered ping waits timeout·backoff^k: T + T·B + … + T·B^R.
 */
export const HEARTBEAT_HELP = `A frozen peer is cut T + 2T + ... + 2^R·T after the first unanswered ping (T: --ping-timeout,
R: --ping-retries), so interval + that after its last pong: with --ping-interval 0.5 and the
defaults (timeout 0.5, 2 retries) it is 0.5 + (0.5 + 1 + 2) = 4 s.`;

// --- compression and limits ------------------------------------------------------------------------

export interface CompressionSettings {
  compression: boolean;
  maxPayload?: number;
}

export const compressionFlags = {
  add(command: Command, role: Role): void {
    const group = 'Messages:';
    add(
      command,
      group,
      new Option(
        '--no-compression',
        pick(role, {
          client: 'do not offer permessage-deflate',
          server: 'do not accept permessage-deflate',
          either: 'neither offer (connect) nor accept (listen) permessage-deflate',
        }),
      ),
    );
    add(
      command,
      group,
      new Option('--max-payload <bytes>', 'largest message accepted; larger ones close with 1009 (at most 4 GiB, what a Buffer holds)').argParser(
        integer(1, constants.MAX_LENGTH),
      ),
    );
  },
  read(raw: RawOptions): CompressionSettings {
    return {
      compression: get<boolean | undefined>(raw, 'compression') ?? true,
      ...defined<Pick<CompressionSettings, 'maxPayload'>>({ maxPayload: get<number | undefined>(raw, 'maxPayload') }),
    };
  },
};

// --- interaction: what wscope does with what is typed and what arrives ------------------------

export interface InteractionSettings {
  slash: boolean;
  raw: boolean;
  echo: boolean;
}

export const interactionFlags = {
  add(command: Command, role: Role): void {
    const group = 'Interaction:';
    add(
      command,
      group,
      new Option(
        '--slash',
        pick(role, {
          client: 'enable slash commands (/ping, /close...): without it a line starting with / is sent as text',
          server: 'piped stdin: read slash commands (always on at a terminal)',
          either: 'enable slash commands in connect mode (always on in interactive listen mode)',
        }),
      ),
    );
    add(
      command,
      group,
      new Option(
        '--echo',
        pick(role, {
          client: 'send every message back',
          server: 'send every message back to its sender',
          either: 'send every message back to its sender (both modes)',
        }),
      ),
    );
    add(command, group, new Option('--raw', 'allow /close with codes that may not be sent (1005, 1006, 1015, 2000...)'));
  },
  read(raw: RawOptions): InteractionSettings {
    return {
      slash: get<boolean | undefined>(raw, 'slash') ?? false,
      raw: get<boolean | undefined>(raw, 'raw') ?? false,
      echo: get<boolean | undefined>(raw, 'echo') ?? false,
    };
  },
};

// --- output: how messages and events are shown or written ------------------------------------------

export interface OutputSettings {
  color: boolean;
  showPingPong: boolean;
  json: boolean;
  binaryView: BinaryView | undefined;
  timestamps: boolean;
  showFrames: boolean;
  binary: boolean;
  nullSeparated: boolean;
  base64: boolean;
  /** No message is printed or written (status and errors still are). */
  quiet: boolean;
  /** Every event of every connection as JSON lines on stdout (docs/trace.md). */
  jsonl: boolean;
}

export const outputFlags = {
  add(command: Command): void {
    const group = 'Output:';
    add(command, group, new Option('--no-color', 'run without color'));
    add(command, group, new Option('-P, --show-ping-pong', 'print pings and pongs received, with round-trip times'));
    add(command, group, new Option('--json', 'pretty-print JSON messages (at a terminal)'));
    add(
      command,
      group,
      new Option('--binary-view <view>', 'show binary messages as (default: hex at a terminal, the raw bytes in pipe mode)').choices(['hex', 'base64', 'utf8']),
    );
    add(command, group, new Option('--timestamps', 'print the time of every line, typed ones included'));
    add(command, group, new Option('--show-frames', 'print every frame: opcode, fin, rsv, mask, length'));
    add(command, group, new Option('--binary', 'pipe mode: send records as binary messages, write binary messages raw'));
    add(command, group, new Option('--null', 'pipe mode: records end with NUL instead of newline (in and out)'));
    add(command, group, new Option('--base64', 'pipe mode: records are base64 of binary messages (in and out)'));
    add(command, group, new Option('-q, --quiet', 'print no messages (connections, closes and errors still show)'));
    add(
      command,
      group,
      new Option('--jsonl', 'write every event of every connection (handshake, messages, pings, pongs, close, errors) as one JSON object per line on stdout'),
    );
  },
  read(raw: RawOptions): OutputSettings {
    const settings: OutputSettings = {
      color: get<boolean | undefined>(raw, 'color') ?? true,
      showPingPong: get<boolean | undefined>(raw, 'showPingPong') ?? false,
      json: get<boolean | undefined>(raw, 'json') ?? false,
      binaryView: get<BinaryView | undefined>(raw, 'binaryView'),
      timestamps: get<boolean | undefined>(raw, 'timestamps') ?? false,
      showFrames: get<boolean | undefined>(raw, 'showFrames') ?? false,
      binary: get<boolean | undefined>(raw, 'binary') ?? false,
      nullSeparated: get<boolean | undefined>(raw, 'null') ?? false,
      base64: get<boolean | undefined>(raw, 'base64') ?? false,
      quiet: get<boolean | undefined>(raw, 'quiet') ?? false,
      jsonl: get<boolean | undefined>(raw, 'jsonl') ?? false,
    };
    if (settings.binary && settings.base64) throw new UsageError('use either --binary or --base64, not both');
    return settings;
  },
};

// --- faults: what the proxy does to the frames it relays (src/proxy/faults/) ------------------------

const FAULT_FLAGS: ReadonlyArray<{ kind: FaultKind; flag: string; help: string }> = [
  { kind: 'delay', flag: '--delay <[dir:]ms[±jitter][@conn]>', help: 'hold every frame ms (± jitter) milliseconds, order kept: 200, 200±50, s2c:300' },
  { kind: 'throttle', flag: '--throttle <[dir:]bytes/s[@conn]>', help: 'a slow link: payload bytes per second, e.g. 2000, 64k, 1M' },
  { kind: 'refragment', flag: '--refragment <[dir:]n[@conn]>', help: 'send every message in frames of n payload bytes (continuation frames)' },
  {
    kind: 'drop-messages',
    flag: '--drop-messages <[dir:]p[@conn]>',
    help: 'lose each message, all its frames, with probability p (0.1 or 10%); each drop is reported',
  },
  { kind: 'corrupt', flag: '--corrupt [[dir:]p[@conn]]', help: 'change a byte of each message (or with probability p): text becomes invalid UTF-8 (1007)' },
  { kind: 'close-after', flag: '--close-after <[dir:]n|time[@conn]>', help: 'close both legs after n messages or a time (2s, 500ms), with --close-code' },
  { kind: 'reset-after', flag: '--reset-after <[dir:]n|time[@conn]>', help: 'reset both TCP connections (no closing handshake) after n messages or a time' },
  { kind: 'stall-after', flag: '--stall-after <[dir:]n|time[@conn]>', help: 'stop reading (backpressure, nothing more passed on) after n messages or a time' },
];

export const FAULTS_HELP = `Faults: each flag can be repeated, as [dir:]value[@conn]. dir: c2s (client → server, also 'up'),
s2c (server → client, also 'down'), both (the default). @conn: the proxy's connections counted from 1
(@2, @1,3, @2-5) or a probability per connection (@25%); all by default. Messages are counted both ways
together unless a direction is given. Drops, corruptions, closes, resets and stalls are reported on stderr.`;

export const faultFlags = {
  add(command: Command): void {
    const group = 'Faults:';
    for (const { kind, flag, help } of FAULT_FLAGS) {
      if (kind !== 'corrupt') {
        add(command, group, new Option(flag, help).argParser(collect));
        continue;
      }
      // An optional value: commander sets `true` for a bare --corrupt, over the values before it;
      // this listener, after commander's own, keeps every one in order ('' for a bare one).
      add(command, group, new Option(flag, help));
      const given: string[] = [];
      command.on('option:corrupt', (value: string | null) => {
        given.push(value ?? '');
        command.setOptionValue('corrupt', [...given]);
      });
    }
    add(command, group, new Option('--close-code <code>', `the code --close-after closes with (default ${DEFAULT_CLOSE_CODE}, Going Away)`));
    add(command, group, new Option('--close-reason <text>', 'the reason --close-after closes with (default none)'));
  },
  read(raw: RawOptions): FaultSettings {
    try {
      const faults = FAULT_FLAGS.flatMap(({ kind }) => (get<string[] | undefined>(raw, camelCase(kind)) ?? []).map((text) => parseFault(kind, text)));
      const code = get<string | undefined>(raw, 'closeCode');
      const reason = get<string | undefined>(raw, 'closeReason');
      if ((code !== undefined || reason !== undefined) && !faults.some((spec) => spec.kind === 'close-after')) {
        throw new UsageError('--close-code and --close-reason need --close-after');
      }
      return {
        faults,
        closeCode: code === undefined ? DEFAULT_CLOSE_CODE : parseCloseCode(code),
        closeReason: reason === undefined ? '' : parseCloseReason(reason),
      };
    } catch (error) {
      if (error instanceof FaultSpecError) throw new UsageError(error.message);
      throw error;
    }
  },
};

/** commander's attribute name for a flag: drop-messages → dropMessages. */
function camelCase(kind: string): string {
  return kind.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}
// --- proxy: TLS on both legs ----------------------------------------------------------------------

/**
 * The proxy's TLS flags: a certificate to serve wss:// to clients (the listening side), and how
 * a wss:// target is checked (the upstream side). Same names and settings as tlsFlags, read by
 * `tlsFlags.read`; only what each flag is for differs.
 */
export const proxyTlsFlags = {
  add(command: Command): void {
    const group = 'TLS:';
    add(command, group, new Option('--cert <cert>', 'listen on wss:// with this certificate file (needs --key)'));
    add(command, group, new Option('--key <key>', "the certificate's private key file"));
    add(command, group, new Option('--passphrase [passphrase]', "the key's passphrase; without a value it is asked for"));
    add(command, group, new Option('--ca <ca>', 'a Certificate Authority file to trust for a wss:// target'));
    add(command, group, new Option('-n, --no-check', "do not check a wss:// target's certificate"));
  },
  read: (raw: RawOptions): TlsSettings => tlsFlags.read(raw),
};

// --- recording: the trace to a file, and which secrets it keeps ---------------------------------

export interface RecordingSettings {
  /** Files to record to, each `.har` or `.jsonl`. */
  files: string[];
  /** More header names to redact (in recordings and --jsonl alike). */
  redact: string[];
  /** --no-redact: credentials as they are (headers named by --redact are still redacted). */
  secrets: boolean;
}

export const recordingFlags = {
  add(command: Command): void {
    const group = 'Recording:';
    add(
      command,
      group,
      new Option(
        '--record <file>',
        `record every connection: ${RECORD_EXTENSIONS.join(' (HAR, as DevTools writes it) or ')} (trace events); repeat for both`,
      ).argParser(collect),
    );
    add(command, group, new Option('--redact <header>', 'also redact this header in recordings and --jsonl; repeat for several'));
    add(command, group, new Option('--no-redact', 'record Authorization, Cookie, Set-Cookie, Proxy-Authorization and URL passwords as they are'));
    // --redact and --no-redact share commander's attribute `redact`: keep each in its own, whatever their order.
    command.on('option:redact', (header: string) => command.setOptionValue('redactHeader', collect(header, command.getOptionValue('redactHeader'))));
    command.on('option:no-redact', () => command.setOptionValue('recordSecrets', true));
  },
  read(raw: RawOptions): RecordingSettings {
    const files = get<string[] | undefined>(raw, 'record') ?? [];
    for (const file of files)
      if (!recordFormatOf(file)) throw new UsageError(`--record '${file}': the file name must end with ${RECORD_EXTENSIONS.join(' or ')}`);
    const redact = get<string[] | undefined>(raw, 'redactHeader') ?? [];
    for (const header of redact) if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new UsageError(`--redact '${header}' is not a header name`);
    return { files, redact, secrets: get<boolean | undefined>(raw, 'recordSecrets') ?? false };
  },
};

export interface CollectionSettings {
  path: string;
  envName: string;
  vars: Record<string, string>;
}

/** `--var name=value`, repeated: later ones win. */
export function variableFlag(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}

/** connect's --collection, with the file's --env and --var as `wscope run` takes them. */
export const collectionFlags = {
  add(command: Command): void {
    const group = 'Collection:';
    add(command, group, new Option('--collection <file>', 'a *.wscope.yaml file: /send NAME, /messages, /save NAME (turns --slash on)'));
    add(command, group, new Option('--env <name>', "the collection's environment (env: NAME) for {{variables}}").default('default'));
    add(command, group, new Option('--var <name=value>', 'set a variable (above the environment); repeat for several').argParser(variableFlag));
  },
  read(raw: RawOptions): CollectionSettings | undefined {
    const path = get<string | undefined>(raw, 'collection');
    const vars = get<Record<string, string> | undefined>(raw, 'var') ?? {};
    const envName = get<string | undefined>(raw, 'env') ?? 'default';
    if (path === undefined) {
      if (Object.keys(vars).length > 0 || envName !== 'default') throw new UsageError('--env and --var go with --collection FILE');
      return undefined;
    }
    return { path, envName, vars };
  },
};

// --- inspector: the page that shows this session's traffic (src/inspector/) ---------------------

export interface InspectSettings {
  /** Serve the inspector: on this port (0: a free one), or not at all (undefined). */
  port: number | undefined;
  /** Open the printed URL in the system's browser (xdg-open, open, start). */
  open: boolean;
  /** The interface to serve it on: 127.0.0.1 unless --inspect-host (--host for `wscope inspect`) says otherwise. */
  host: string;
}

export const inspectFlags = {
  add(command: Command, alwaysOn = false): void {
    const group = 'Inspector:';
    if (alwaysOn)
      add(command, group, new Option('--port <port>', 'serve the inspector on this port of 127.0.0.1 (default: a free one)').argParser(integer(1, 65535)));
    else
      add(
        command,
        group,
        new Option('--inspect [port]', 'also serve the inspector page on 127.0.0.1 (a free port, or this one); its URL goes to stderr').argParser(
          integer(1, 65535),
        ),
      );
    add(
      command,
      group,
      new Option(
        alwaysOn ? '--host <host>' : '--inspect-host <host>',
        'serve the inspector on this interface instead of 127.0.0.1 (an IP address or localhost; others who reach it and have the token can read, and in live modes send)',
      ).argParser(inspectHost),
    );
    add(command, group, new Option('--open', 'open the inspector in the browser (xdg-open)'));
  },
  read(raw: RawOptions, alwaysOn = false): InspectSettings {
    const open = get<boolean | undefined>(raw, 'open') ?? false;
    if (alwaysOn) return { port: get<number | undefined>(raw, 'port') ?? 0, open, host: get<string | undefined>(raw, 'host') ?? LOOPBACK };
    const inspect = get<number | true | undefined>(raw, 'inspect');
    const host = get<string | undefined>(raw, 'inspectHost');
    if (open && inspect === undefined) throw new UsageError('--open needs --inspect');
    if (host !== undefined && inspect === undefined) throw new UsageError('--inspect-host needs --inspect');
    return { port: inspect === undefined ? undefined : inspect === true ? 0 : inspect, open, host: host ?? LOOPBACK };
  },
};

const LOOPBACK = '127.0.0.1';

/** An IP address (IPv6 with or without brackets) or `localhost`: what the inspector can bind and name in its URL. */
function inspectHost(value: string): string {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare) !== 0 || bare.toLowerCase() === 'localhost') return bare.toLowerCase();
  throw new InvalidArgumentError(`"${value}" is not an IP address or localhost`);
}
