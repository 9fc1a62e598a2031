/**
 * The messages the relay writes to a leg, on the trace. The relay sends frames in raw mode
 * (`sendFrame`), which the engine leaves off the trace (raw frames are meant to be broken); a
 * relayed message is a real one, so each leg's `out` side is published here, once its last frame
 * has been handed to the socket: the leg's trace then reads as any WebSocket's would.
 */
import { Buffer } from 'node:buffer';
import { channel } from 'node:diagnostics_channel';
import { encodePayload, epochSeconds, TRACE_CHANNEL, traceConnectionId, type MessageTraceEvent, type WebSocket } from '../index.js';

const traceChannel = channel(TRACE_CHANNEL);

/** Collects the payloads of the message being written to one leg. */
export class RelayedMessageTrace {
  private pieces: Buffer[] = [];
  private wireSize = 0;
  private opcode = 1;

  constructor(private readonly leg: WebSocket) {}

  /** A data frame went out; `inflated`: what the whole message inflates to, given with a compressed message's frames. */
  frameWritten(opcode: number, fin: boolean, payload: Buffer, compressed: boolean, inflated: Buffer | undefined): void {
    if (!traceChannel.hasSubscribers) {
      this.pieces = [];
      return;
    }
    if (opcode !== 0) this.start(opcode);
    this.pieces.push(payload);
    this.wireSize += payload.length;
    if (!fin) return;
    const conn = traceConnectionId(this.leg);
    const data = compressed ? inflated : Buffer.concat(this.pieces);
    const binary = this.opcode === 2;
    this.pieces = [];
    // A compressed message whose inflated form is unknown (a fault made new frames of it) is not published.
    if (conn === undefined || data === undefined) return;
    const payloadView = encodePayload(data, binary ? 'binary' : 'bytes');
    const event: MessageTraceEvent = {
      time: epochSeconds(performance.timeOrigin + performance.now()),
      conn,
      event: 'message',
      dir: 'out',
      opcode: binary ? 2 : 1,
      size: data.length,
      data: payloadView.data,
      encoding: payloadView.encoding,
      ...(compressed && { wireSize: this.wireSize }),
    };
    // Text made from bytes: valid UTF-8 stays text, a payload a fault broke is base64 (docs/trace.md, the payload rule).
    traceChannel.publish(event);
  }

  private start(opcode: number): void {
    this.opcode = opcode;
    this.pieces = [];
    this.wireSize = 0;
  }
}
