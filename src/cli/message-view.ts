/**
 * What a socket's traffic looks like: messages (text, JSON, binary views), pings and pongs with
 * -P, frames with --show-frames. At a terminal messages are `< `-prefixed lines, a compressed one
 * tagged with its sizes; in pipe mode stdout gets each message as one record and nothing else.
 */
import type { Buffer } from 'node:buffer';
import type { MessageInfo, ObservedFrame, WebSocket } from '../index.js';
import { describeGraphqlMessage, formatGraphqlSummary } from '../graphql/describe.js';
import { formatBinary, formatCompressed, formatControlPayload, formatFrame, formatJson, formatMessageSummary } from './format.js';
import type { OutputSettings } from './flags.js';
import { RecordWriter } from './pipe-records.js';
import { escapeControls } from './terminal/escape.js';
import type { Printer } from './terminal/printer.js';

export class MessageView {
  private readonly records: RecordWriter;

  constructor(
    private readonly printer: Printer,
    private readonly options: OutputSettings,
  ) {
    this.records = new RecordWriter(printer, options);
  }

  /** Print what arrives on `socket`; `client` is listen mode's ID for it, shown as `#2 `. */
  attach(socket: WebSocket, client?: number): void {
    const label = client === undefined || !this.printer.interactive ? '' : `#${client} `;
    // -q: a long-running peer (an echo server under load) must not spend its time printing.
    if (!this.options.quiet) {
      socket.on('message', (data: Buffer, isBinary: boolean, info?: MessageInfo) => {
        // With permessage-deflate, the frame view ends each message with how it travelled: its frames show only wire sizes.
        if (info && this.options.showFrames) this.printer.detail(`${label}${formatMessageSummary(data, isBinary, info)}`);
        if (this.options.showFrames && !isBinary) this.graphqlLine('<', label, socket.protocol, data);
        this.message(data, isBinary, label, info, client);
      });
    }
    if (this.options.showPingPong) {
      socket.on('ping', (data: Buffer) => this.printer.detail(`< ${label}ping ${formatControlPayload(data)}`.trimEnd()));
      socket.on('pong', (data: Buffer, rtt: number | undefined) => {
        const time = rtt === undefined ? '' : ` (rtt ${rtt.toFixed(2)} ms)`;
        this.printer.detail(`< ${label}pong ${formatControlPayload(data)}`.trimEnd() + time);
      });
    }
    if (this.options.showFrames)
      socket.on('frame', (frame: ObservedFrame) => {
        this.printer.detail(`${label}${formatFrame(frame)}`);
        // What we send, decoded from its frame: a whole text message (FIN, not compressed), as subscribe and complete are.
        if (frame.direction === 'out' && frame.opcode === 1 && frame.fin && !frame.rsv1) this.graphqlLine('>', label, socket.protocol, frame.payload);
      });
  }

  /** On a GraphQL subprotocol, what a message means: `< graphql next 1`, `> graphql subscribe 1 subscription OnCount`. */
  private graphqlLine(arrow: string, label: string, protocol: string, data: Buffer): void {
    const summary = describeGraphqlMessage(data.toString('utf8'), protocol);
    if (summary) this.printer.detail(`${arrow} ${label}graphql ${formatGraphqlSummary(summary)}`);
  }

  message(data: Buffer, isBinary: boolean, label = '', info?: MessageInfo, client?: number): void {
    if (!this.printer.interactive) {
      this.records.write(data, isBinary, client);
      return;
    }
    const lines = isBinary ? formatBinary(data, this.options.binaryView ?? 'hex') : this.textLines(data.toString('utf8'));
    lines[0] += formatCompressed(data, info);
    this.printer.incoming(lines, label);
  }

  private textLines(text: string): string[] {
    return (this.options.json && formatJson(text, this.printer.colors)) || text.split('\n').map(escapeControls);
  }
}
