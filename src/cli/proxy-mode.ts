/**
 * `wscope proxy --listen PORT --target URL`: the reverse proxy running in the terminal (or a
 * pipe) until Ctrl-C / SIGTERM, which closes every relayed connection with 1001 on both legs.
 */
import { subscribe } from 'node:diagnostics_channel';
import { encodeTraceLine, type HandshakeTraceEvent, TRACE_CHANNEL, type TraceEvent } from '../index.js';
import { FaultPlan, formatFaultNote, realClock } from '../proxy/faults/index.js';
import type { Relay } from '../proxy/relay.js';
import { startReverseProxy, type ReverseProxy } from '../proxy/reverse-proxy.js';
import type { ProxyOptions } from '../proxy/upgrade.js';
import type { ProxySettings } from './commands/proxy.js';
import { ExitCode } from './exit-codes.js';
import { jsonlPrinterOptions } from './jsonl-output.js';
import { ProxyView } from './proxy-view.js';
import { keyPair, readFlagFile } from './socket-options.js';
import { colorWanted, palette } from './terminal/colors.js';
import { askPassphrase } from './terminal/passphrase.js';
import { Printer } from './terminal/printer.js';

/** How long Ctrl-C waits for the closing handshakes before the process goes. */
const SHUTDOWN_MS = 3000;

/** `session`: whether a connection is the session's (the inspector page's own socket is not), for --jsonl. */
export type SessionFilter = (handshake: HandshakeTraceEvent) => boolean;

export async function runReverseProxy(settings: ProxySettings & { target: URL }, session: SessionFilter): Promise<ExitCode> {
  const { output, tls } = settings;
  const interactive = Boolean(process.stdout.isTTY);
  const colors = palette(colorWanted(output.color, interactive));
  const printer = new Printer({ colors, interactive, timestamps: output.timestamps, ...(output.jsonl && jsonlPrinterOptions()) });
  const links = output.jsonl ? writeJsonl(session) : undefined;
  const view = new ProxyView(printer, output, settings.match);
  const passphrase = tls.passphrase === true ? await askPassphrase() : tls.passphrase;
  const pair = keyPair(tls.cert, tls.key, passphrase);
  const open = new Set<Relay>();
  let proxy: ReverseProxy;
  try {
    proxy = await startReverseProxy({
      port: settings.port,
      ...(settings.host !== undefined && { host: settings.host }),
      target: settings.target,
      ...(pair.cert && pair.key && { tls: { cert: pair.cert, key: pair.key, ...(passphrase !== undefined && { passphrase }) } }),
      ...relayOptions(settings, upstreamTls(settings), printer, view, links, open),
    });
  } catch (error) {
    printer.error(`cannot listen on port ${settings.port}: ${(error as Error).message}`);
    return ExitCode.ListenFailed;
  }
  const { port } = proxy.address();
  const host = settings.host ?? '127.0.0.1';
  const here = `${pair.cert ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  printer.status(`proxying ${here} → ${settings.target.href}${interactive ? ' (press Ctrl-C to quit)' : ''}`);

  await untilStopped(open, printer);
  await proxy.close();
  return ExitCode.Normal;
}

/** The upstream leg's certificate checks: --ca and -n. */
export function upstreamTls({ tls }: ProxySettings) {
  return { rejectUnauthorized: tls.checkCertificates, ...(tls.ca !== undefined && { ca: readFlagFile('--ca', tls.ca) }) };
}

/**
 * Either proxy's relay options: the upstream's TLS (read once by the caller), compression and size limit from the flags,
 * the faults, and on each relayed pair the live view, the --jsonl links and the set Ctrl-C closes.
 */
export function relayOptions(
  settings: ProxySettings,
  upstream: ReturnType<typeof upstreamTls>,
  printer: Printer,
  view: ProxyView,
  links: ReturnType<typeof writeJsonl> | undefined,
  open: Set<Relay>,
): ProxyOptions {
  const { compression } = settings;
  // The live view's #ID of each relayed connection, in the order the fault plan counts them
  // (onRelay follows each relay at once), so a fault's report line names the connection shown.
  const viewIds: number[] = [];
  const plan = new FaultPlan(settings.faults, {
    clock: realClock,
    random: Math.random,
    report: (report) => queueMicrotask(() => printer.status(`#${viewIds[report.connection - 1] ?? '?'} ${formatFaultNote(report)}`)),
  });
  return {
    upstream,
    ...(!compression.compression && { perMessageDeflate: false }),
    ...(compression.maxPayload !== undefined && { maxMessageSize: compression.maxPayload }),
    ...(!plan.empty && { faults: () => plan.next(), noContextTakeover: plan.dropsMessages }),
    onRelay: (relay, url) => {
      open.add(relay);
      links?.link(relay);
      viewIds.push(view.opened(relay, url));
      void relay.closed.then(() => open.delete(relay));
    },
    onRefused: (url, refusal, error) => view.refused(url, refusal, error),
  };
}

/** Until Ctrl-C or SIGTERM; then every relayed pair is closed with 1001 on both legs (at most SHUTDOWN_MS), and a second Ctrl-C exits at once. */
export function untilStopped(open: ReadonlySet<Relay>, printer: Printer): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(ExitCode.Normal);
      stopping = true;
      if (open.size > 0) printer.status(`closing ${open.size} connection${open.size === 1 ? '' : 's'} (1001 Going Away)`);
      for (const relay of open) {
        relay.client.close(1001, 'proxy shutting down');
        relay.upstream.close(1001, 'proxy shutting down');
      }
      const closed = Promise.all([...open].map((relay) => relay.closed));
      const timer = new Promise((done) => setTimeout(done, SHUTDOWN_MS).unref());
      void Promise.race([closed, timer]).then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * --jsonl: every trace event of the session on stdout, those of relayed legs with "leg" (client:
 * our side of the client's connection; upstream: ours to the target) and "peer" (the other leg's
 * conn), from the moment the pair is known (both handshakes are published before it is).
 */
export function writeJsonl(session: SessionFilter): { link(relay: Relay): void } {
  const legs = new Map<number, { leg: 'client' | 'upstream'; peer: number }>();
  const others = new Set<number>();
  subscribe(TRACE_CHANNEL, (message: unknown) => {
    const event = message as TraceEvent;
    if (event.event === 'handshake' && !session(event)) others.add(event.conn);
    if (others.has(event.conn)) {
      if (event.event === 'close') others.delete(event.conn);
      return;
    }
    const leg = legs.get(event.conn);
    process.stdout.write(encodeTraceLine(leg ? ({ ...event, ...leg } as TraceEvent) : event));
    if (leg && event.event === 'close') legs.delete(event.conn);
  });
  return {
    link(relay) {
      legs.set(relay.conn, { leg: 'client', peer: relay.upstreamConn });
      legs.set(relay.upstreamConn, { leg: 'upstream', peer: relay.conn });
    },
  };
}
