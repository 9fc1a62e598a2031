/**
 * The proxy's live view: each relayed connection with its ID (#1, #2...), where it came from and
 * where it goes, and how it ended; each message with its direction (`client → server`,
 * `server → client`) in the views connect mode has (--json, --binary-view, --show-frames, -P);
 * --match keeps the messages whose text matches.
 */
import type { Buffer } from 'node:buffer';
import type { MessageInfo, ObservedFrame, WebSocket } from '../index.js';
import type { Relay, RelayOutcome } from '../proxy/relay.js';
import type { Refusal } from '../proxy/refusal.js';
import type { OutputSettings } from './flags.js';
import { formatBinary, formatClose, formatCompressed, formatControlPayload, formatFrame, formatJson } from './format.js';
import { escapeControls } from './terminal/escape.js';
import type { Printer } from './terminal/printer.js';

export const CLIENT_TO_SERVER = 'client → server';
export const SERVER_TO_CLIENT = 'server → client';

export class ProxyView {
  private lastId = 0;

  constructor(
    private readonly printer: Printer,
    private readonly options: OutputSettings,
    private readonly match: RegExp | undefined,
  ) {}

  /** A relayed pair is open; returns its ID. */
  opened(relay: Relay, url: string): number {
    const id = ++this.lastId;
    const { client, upstream } = relay;
    const from = `${(client.remoteAddress ?? '?').replace(/^::ffff:(?=\d+\.)/, '')}:${client.remotePort}`;
    const agreed = [
      upstream.protocol && `subprotocol ${upstream.protocol}`,
      client.extensions && `client leg ${client.extensions}`,
      upstream.extensions && `upstream leg ${upstream.extensions}`,
    ]
      .filter(Boolean)
      .join(', ');
    this.printer.status(`#${id} opened ${from} → ${url}${agreed ? ` (${agreed})` : ''}`);
    this.attach(client, `#${id} ${CLIENT_TO_SERVER} `);
    this.attach(upstream, `#${id} ${SERVER_TO_CLIENT} `);
    void relay.closed.then((outcome) => this.printer.status(`#${id} ${describeEnd(outcome)}`));
    return id;
  }

  /** The upstream refused the handshake (or could not be reached): what the client was answered. */
  refused(url: string, refusal: Refusal, error: Error | undefined): void {
    const id = ++this.lastId;
    const why = refusal.status === 502 || refusal.status === 504 ? `: ${error?.message ?? ''}` : '';
    this.printer.status(`#${id} upstream failed ${url}: ${refusal.status} ${refusal.statusText}${why}`);
  }

  /** What `leg` receives is what its peer sent through the proxy: that direction's lines. */
  private attach(leg: WebSocket, label: string): void {
    if (!this.options.quiet) {
      leg.on('message', (data: Buffer, isBinary: boolean, info?: MessageInfo) => {
        if (this.match && !this.match.test(data.toString('utf8'))) return;
        const lines = isBinary ? formatBinary(data, this.options.binaryView ?? 'hex') : this.textLines(data.toString('utf8'));
        lines[0] += formatCompressed(data, info);
        this.printer.incoming(lines, label);
      });
    }
    if (this.options.showPingPong) {
      leg.on('ping', (data: Buffer) => this.printer.detail(`${label}ping ${formatControlPayload(data)}`.trimEnd()));
      leg.on('pong', (data: Buffer) => this.printer.detail(`${label}pong ${formatControlPayload(data)}`.trimEnd()));
    }
    if (this.options.showFrames) {
      leg.on('frame', (frame: ObservedFrame) => {
        // The frames coming into the proxy: what goes out is the same frame (the relay is one for one).
        if (frame.direction === 'in') this.printer.detail(`${label}${formatFrame(frame).slice(2)}`);
      });
    }
  }

  private textLines(text: string): string[] {
    return (this.options.json && formatJson(text, this.printer.colors)) || text.split('\n').map(escapeControls);
  }
}

/** `closed 4001 Private Use: "bye" (by the client)`, with the other leg's code when it differs. */
export function describeEnd(outcome: RelayOutcome): string {
  const [first, other, otherName] =
    outcome.closedBy === 'server' ? [outcome.upstream, outcome.client, 'client'] : [outcome.client, outcome.upstream, 'upstream'];
  const by = outcome.closedBy === 'proxy' ? 'by the proxy' : `by the ${outcome.closedBy}`;
  const differs = other.code !== first.code ? `; ${otherName} leg ${other.code}` : '';
  return `${formatClose(first.code, first.reason)} (${by}${differs})`;
}
