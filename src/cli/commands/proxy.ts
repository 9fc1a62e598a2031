/**
 * `wscope proxy --listen PORT --target URL`: a reverse proxy in front of a WebSocket server,
 * showing every connection and message both ways. (`--listen PORT` alone, the forward proxy,
 * has its own mode: see runProxyCommand.)
 */
import { homedir } from 'node:os';
import { type Command, Option } from 'commander';
import { defaultCaDir } from '../../proxy/forward/ca-dir.js';
import type { ExitCode } from '../exit-codes.js';
import {
  compressionFlags,
  type CompressionSettings,
  FAULTS_HELP,
  faultFlags,
  inspectFlags,
  type InspectSettings,
  outputFlags,
  type OutputSettings,
  proxyTlsFlags,
  type RawOptions,
  type RecordingSettings,
  recordingFlags,
  type TlsSettings,
} from '../flags.js';
import type { FaultSettings } from '../../proxy/faults/index.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples } from '../help-text.js';
import { withInspector } from '../inspecting.js';
import { runReverseProxy } from '../proxy-mode.js';
import { withRecording } from '../recording.js';
import { UsageError } from '../usage-error.js';
import { parsePort } from './listen.js';
import type { Subcommand } from './subcommand.js';

export interface ProxySettings {
  port: number;
  /** The address to bind; default 127.0.0.1. */
  host?: string;
  /** The reverse proxy's target; without it the command is a forward proxy. */
  target?: URL;
  tls: TlsSettings;
  compression: CompressionSettings;
  output: OutputSettings;
  recording: RecordingSettings;
  /** What the proxy does to the frames it relays (docs/faults.md). */
  faults: FaultSettings;
  /** Show only the messages whose text matches. */
  match?: RegExp;
  /** Forward proxy: intercept wss:// with a local CA, kept in `caDir` (default defaultCaDir()). */
  mitm: boolean;
  caDir?: string;
  /** --inspect [PORT], --open: the inspector page over both legs of every relayed connection. */
  inspect: InspectSettings;
}

export function readProxySettings(raw: RawOptions): ProxySettings {
  const tls = proxyTlsFlags.read(raw);
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new UsageError('listening on wss:// needs both --cert and --key');
  const target = raw['target'] === undefined ? undefined : targetUrl(raw['target'] as string);
  const host = raw['host'] as string | undefined;
  const match = raw['match'] === undefined ? undefined : matcher(raw['match'] as string);
  const caDir = raw['caDir'] as string | undefined;
  if (target && (raw['mitm'] || caDir !== undefined)) throw new UsageError('--mitm and --ca-dir are for the forward proxy (no --target)');
  if (!target && tls.cert !== undefined)
    throw new UsageError('the forward proxy listens on plain http://; --cert and --key are for a reverse proxy (--target)');
  return {
    port: raw['listen'] as number,
    ...(host !== undefined && { host }),
    ...(target && { target }),
    tls,
    compression: compressionFlags.read(raw),
    output: outputFlags.read(raw),
    recording: recordingFlags.read(raw),
    faults: faultFlags.read(raw),
    ...(match && { match }),
    mitm: Boolean(raw['mitm']),
    ...(caDir !== undefined && { caDir }),
    inspect: inspectFlags.read(raw),
  };
}

function targetUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `ws://${value}`);
  } catch {
    throw new UsageError(`--target '${value}' is not a URL (try ws://host:port)`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--target must be a ws:// or wss:// URL, got ${url.protocol}//`);
  if (url.search || url.hash) throw new UsageError('--target takes no query or fragment: each client’s own path and query are sent on');
  return url;
}

function matcher(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new UsageError(`--match: ${(error as Error).message}`);
  }
}

/** The proxy's two modes, by whether a target was given. */
export async function runProxyCommand(settings: ProxySettings): Promise<ExitCode> {
  const { target } = settings;
  const title = target ? `proxy :${settings.port} → ${target.href}` : `forward proxy :${settings.port}`;
  // The page shows both legs and sends nothing (no composer: the proxy only relays). Its own
  // socket is left out of the recordings and of --jsonl, as connect and listen leave it out.
  return withInspector(settings.inspect, title, (choice) => {
    const session = choice.connections?.jsonl ?? (() => true);
    const run = () =>
      target
        ? runReverseProxy({ ...settings, target }, session)
        : import('../forward-proxy-mode.js').then(({ runForwardProxy }) => runForwardProxy(settings, session));
    // The HAR holds what the client sent and received: the proxy's client leg, the server's side of its connections (either proxy's).
    return withRecording(settings.recording, run, {
      connections: { har: (handshake) => handshake.role === 'server' && session(handshake), jsonl: session },
    });
  });
}

const PIPE_RECORD_FLAGS = new Set(['--binary', '--null', '--base64']);

const PROXY_HELP = `
${examples([
  ['wscope proxy --listen 9000 --target ws://127.0.0.1:8765', 'clients connect to :9000; every frame both ways is shown'],
  ['wscope proxy --listen 9443 --target wss://api.example --cert c.pem --key k.pem', 'wss:// on both legs'],
  ['wscope proxy --listen 9000 --target ws://app:80 --match \'"type":"error"\'', 'only the messages that match'],
  ['wscope proxy --listen 9000 --target ws://127.0.0.1:8765 --jsonl > trace.jsonl', 'every event of both legs, as JSON lines'],
  ['wscope proxy --listen 9000 --target ws://127.0.0.1:8765 --delay 200±50 --drop-messages s2c:5%', 'a bad network between them'],
  ['wscope proxy --listen 9000 --target ws://127.0.0.1:8765 --inspect --open', 'both legs of every connection in the inspector page'],
  ['wscope proxy --listen 8080', 'a forward proxy: chromium --proxy-server=http://127.0.0.1:8080 shows its ws:// traffic'],
  ['wscope proxy --listen 8080 --mitm', 'wss:// too, decrypted with a local CA it makes and tells you how to trust'],
])}

Each client connection gets its own connection to the target, with the same path and query,
subprotocols and headers (Host rewritten, hop-by-hop headers dropped). Frames are relayed one for
one: fragments, pings and pongs (answered by the ends, not by the proxy), Close codes and reasons;
permessage-deflate is negotiated on each leg so that compressed frames pass as they are. A target
that refuses the handshake has its status, headers and body passed back to the client (502 when it
cannot be reached).

Lines: '#ID client → server' is what the client sent, '#ID server → client' what the server sent.
--record FILE.har keeps the client leg (what the client sent is 'send', what it received
'receive'); --record FILE.jsonl keeps every event of both legs. With --jsonl, each event carries "leg" ("client": the proxy's side of the client's connection;
"upstream": its connection to the target) and "peer" (the other leg's "conn").

${FAULTS_HELP}

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

export const proxyCommand: Subcommand = {
  name: 'proxy',
  summary: 'stand between WebSocket clients and a server, showing every frame (a reverse proxy, or a forward proxy apps point at)',
  define(command: Command, schedule) {
    command
      .description('Relay WebSocket clients to a target server, frame for frame, and show every connection and message both ways.')
      .usage('--listen <port> [--target <url>] [options]');
    const group = 'Proxy:';
    const add = (option: Option) => command.addOption(option.helpGroup(group));
    add(new Option('--listen <port>', 'the port to listen on (0: any free port)').argParser(parsePort).makeOptionMandatory());
    add(new Option('--target <url>', 'the server to relay to: ws:// or wss://, optionally with a path prefix'));
    add(new Option('--host <host>', 'the address to bind (default 127.0.0.1: only this machine)'));
    add(new Option('--mitm', 'forward proxy: intercept wss:// with a local CA made on first use (printed: where, how to trust it)'));
    add(new Option('--ca-dir <dir>', `forward proxy: where --mitm keeps its CA (default ${defaultCaDir().replace(homedir(), '~')})`));
    add(new Option('--match <regex>', 'show only the messages whose text matches (binary ones as UTF-8)'));
    proxyTlsFlags.add(command);
    compressionFlags.add(command, 'server');
    outputFlags.add(command);
    recordingFlags.add(command);
    faultFlags.add(command);
    inspectFlags.add(command);
    // Pipe mode's record flags shape what connect and listen write; the proxy's lines are its live view.
    for (const option of command.options) if (PIPE_RECORD_FLAGS.has(option.long ?? '')) option.hideHelp();
    command.addHelpText('after', PROXY_HELP);
    command.action((raw: RawOptions) => schedule(() => runProxyCommand(readProxySettings(raw))));
  },
};
