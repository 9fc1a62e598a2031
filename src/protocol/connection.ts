import { Buffer, constants as bufferConstants } from 'node:buffer';
import { decodeClosePayload, encodeClosePayload, MAX_CLOSE_REASON_BYTES, truncateUtf8 } from './close-frame.js';
import { ProtocolError } from './errors.js';
import {
  blankFrameHeader,
  encodeFrameHeader,
  frameHeaderLength,
  headerLengthFromSecondByte,
  readFrameHeader,
  writeFrameHeader,
  type FrameHeader,
  type OutgoingFrame,
} from './frame.js';
import { applyMask, applyMaskRange, copyMasked, copyMaskedShort } from './mask.js';
import { ByteQueue } from './byte-queue.js';
import { asBuffer, MessageAssembler } from './message-assembler.js';
import { isControlOpcode, isKnownOpcode, Opcode } from './opcodes.js';
import { fillMaskKey, writeMaskKey } from './mask-key.js';
import { OutRun, SLAB_FRAME_LIMIT } from './out-slab.js';
import { Utf8Validator } from './utf8.js';

export type Role = 'client' | 'server';
export type ReadyState = 'open' | 'closing' | 'closed';

export interface ConnectionOptions {
  role: Role;
  /** Largest message accepted, in bytes; larger ones fail the connection with 1009. */
  maxMessageSize?: number;
  /** Source of 4-byte masking keys (client role). Injectable so byte-level tests are exact. */
  maskKey?: () => Uint8Array;
  /** Answer pings with pongs (RFC 6455 §5.5.2). Raw-mode testers can turn this off. */
  autoPong?: boolean;
  /** Report every frame in and out as a `frame` event. Off by default: observing costs nothing when off. */
  observeFrames?: boolean;
  /** An extension (permessage-deflate) gave RSV1 a meaning: "this message is compressed". */
  allowRsv1?: boolean;
  /**
   * Keep the Close that is due (the answer to the peer's Close, or the one failing the
   * connection) until `answerClose()`, instead of releasing it with the next `takeOutgoing()`.
   * For adapters that deliver messages later than they take them (permessage-deflate inflates
   * asynchronously): the Close then waits for every message before it, and the replies to them.
   */
  holdCloseReply?: boolean;
}

export interface FrameInfo {
  direction: 'in' | 'out';
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  masked: boolean;
  maskKey: Uint8Array | undefined;
  payloadLength: number;
  /** The payload unmasked (for `out`, what was given before masking). */
  payload: Buffer;
}

export type ConnectionEvent =
  | { type: 'message'; binary: boolean; data: Buffer; compressed: boolean }
  | { type: 'ping'; data: Buffer }
  | { type: 'pong'; data: Buffer }
  /** A Close frame arrived. */
  | { type: 'close'; code: number; reason: string }
  /**
   * The peer broke the protocol (or, with `WS_ERR_INTERNAL`, we could not go on). Nothing after
   * it is read; the events before it still stand, and what is sent in reply to them leaves
   * before the Close with `error.closeCode`, which the next `takeOutgoing()` releases (with
   * `holdCloseReply`: `answerClose()`).
   */
  | { type: 'error'; error: ProtocolError }
  | { type: 'frame'; frame: FrameInfo };

/**
 * Takes the small messages of a read straight from the bytes they came in (see
 * `Connection.sink`), instead of as 'message' events: no Buffer and no event object per message.
 */
export interface SmallMessageSink {
  /**
   * A whole message, checked (and unmasked) like any other: `bytes[start..end)`. The bytes are
   * the read's and valid only during the call: a sink that keeps a message copies it.
   */
  smallMessage(bytes: Uint8Array, start: number, end: number, binary: boolean): void;
}

/** How a connection ended: what the close event reports (WHATWG's CloseEvent, python-websockets' `close_code` / `close_reason`). */
export interface CloseOutcome {
  code: number;
  reason: string;
  wasClean: boolean;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024;
/** Below this size a frame is sent as one buffer; above it header and payload go out as two, uncopied. */
const COPY_THRESHOLD = 16 * 1024;

/**
 * The WebSocket connection as a pure state machine (RFC 6455 §5–§7), after the opening handshake.
 * Bytes go in through `receiveData`/`receiveEof`, events come out of `takeEvents`, bytes to send
 * out of `takeOutgoing`. It never touches a socket or a clock.
 */
export class Connection {
  readonly role: Role;
  readonly maxMessageSize: number;
  observeFrames: boolean;
  allowRsv1: boolean;
  /**
   * Where small messages go instead of the events, while no event waits to be taken (so the
   * order of messages and events is kept): for readers that handle a message on the spot, as a
   * load generator matches a reply. Set it only while nothing else must see each message (no
   * compression that could hold an earlier message back, no tracing).
   */
  sink: SmallMessageSink | undefined = undefined;
  private readonly autoPong: boolean;
  /** An injected key source (tests); without one, keys come from the pooled CSPRNG into FRAME_KEY. */
  private readonly maskKeySource: (() => Uint8Array) | undefined;

  private events: ConnectionEvent[] = [];
  private outgoing: Uint8Array[] = [];
  /** Bytes queued to send and not yet taken (the WHATWG bufferedAmount counts them). */
  private outgoingBytes = 0;
  /** Small frames not yet taken, side by side in the shared slab (made by the first one). */
  private outRun: OutRun | undefined;
  private readonly queue = new ByteQueue();

  private frame: FrameHeader | undefined;
  /** Reused for every incoming frame (with its mask key bytes): parsing a header allocates nothing. */
  private header: FrameHeader | undefined;
  private keyBytes: Uint8Array | undefined;
  private frameOffset = 0;
  private framePieces: Uint8Array[] = [];
  private messageOpcode = 0; // 0: no message in progress
  private messageCompressed = false;
  private readonly assembler = new MessageAssembler();
  private readonly utf8 = new Utf8Validator();

  private closeSent = false;
  private closeReceived = false;
  /**
   * The peer's Close is still to be answered. RFC 6455 §5.5.1: an endpoint "MAY delay sending a
   * Close frame until its current message is sent", so replies to the messages that came before
   * the Close (often in the same read) still go out, ahead of the answer.
   */
  private closeReplyDue = false;
  private readonly holdCloseReply: boolean;
  private failed = false;
  /**
   * The connection failed while parsing, and its Close is not out yet: like `closeReplyDue`, it
   * waits until the replies to the messages read before the error have been queued.
   */
  private failureDue: ProtocolError | undefined;
  private eof = false;
  /** What the peer's Close frame said, once it came. */
  receivedClose: { code: number; reason: string } | undefined;
  /** What our Close frame said, once we sent it. */
  sentClose: { code: number; reason: string } | undefined;

  constructor(options: ConnectionOptions) {
    this.role = options.role;
    this.maxMessageSize = checkMaxMessageSize(options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE);
    this.autoPong = options.autoPong ?? true;
    this.observeFrames = options.observeFrames ?? false;
    this.allowRsv1 = options.allowRsv1 ?? false;
    this.holdCloseReply = options.holdCloseReply ?? false;
    this.maskKeySource = options.maskKey;
  }

  get readyState(): ReadyState {
    if (this.failureDue) return 'closing';
    if (this.eof || this.failed || (this.closeSent && this.closeReceived)) return 'closed';
    return this.closeSent || this.closeReceived ? 'closing' : 'open';
  }

  /** Both Close frames have been exchanged (RFC 6455 §7.1.4 "The WebSocket Closing Handshake is Started" and done). */
  get closeHandshakeDone(): boolean {
    return this.closeSent && this.closeReceived;
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  /**
   * Should the adapter close the TCP connection now? RFC 6455 §7.1.1: "the server SHOULD close
   * the underlying TCP connection first"; a client waits for that, and after failing a
   * connection either side drops it (§7.1.7).
   */
  get shouldCloseTransport(): boolean {
    if (this.failureDue) return false;
    return this.failed || this.eof || (this.closeHandshakeDone && this.role === 'server');
  }

  /** Our Close is out and we wait for the peer's: the adapter arms its close timer. */
  get closeExpected(): boolean {
    return this.closeSent && !this.closeReceived && !this.failed && !this.eof;
  }

  /**
   * How the connection ended, asked once the transport is closed. `localReason`: why the adapter
   * cut the connection itself (heartbeat, close timeout): the reason of a 1006, and never clean.
   * RFC 6455 §7.1.5: with no Close frame received, "_The WebSocket Connection Close Code_ is
   * considered to be 1006".
   */
  closeOutcome(localReason?: string): CloseOutcome {
    let code = 1006;
    let reason = localReason ?? '';
    if (this.failed && this.sentClose) {
      // We failed the connection: report the code we sent, as the peer will see it.
      code = this.sentClose.code;
      reason = this.sentClose.reason;
    } else if (this.receivedClose) {
      // The peer's Close decides the code even when TCP closed before our answer left (wasClean
      // then says the handshake did not complete).
      code = this.receivedClose.code;
      reason = this.receivedClose.reason;
    }
    return { code, reason, wasClean: this.closeHandshakeDone && !this.failed && localReason === undefined };
  }

  takeEvents(): ConnectionEvent[] {
    const events = this.events;
    if (events.length === 0) return NO_EVENTS;
    this.events = [];
    return events;
  }

  /** May data, pings and pongs still be sent? (Until our Close is on its way.) */
  get canSend(): boolean {
    return !this.closeSent && !this.eof && (!this.failed || this.failureDue !== undefined);
  }

  /**
   * Bytes to write, in order. Unless `holdCloseReply`, this also releases a Close that is due.
   * Small frames queued one after another come as one chunk (see out-slab.ts).
   */
  takeOutgoing(): Uint8Array[] {
    if ((this.closeReplyDue || this.failureDue) && !this.holdCloseReply) this.answerClose();
    this.outRun?.close(this.outgoing);
    const out = this.outgoing;
    if (out.length === 0) return NO_BYTES;
    this.outgoing = [];
    this.outgoingBytes = 0;
    return out;
  }

  /** Bytes queued by the sends and not taken yet by `takeOutgoing`. */
  get pendingBytes(): number {
    return this.outgoingBytes;
  }

  /**
   * Feed bytes from the peer. The connection takes ownership: masked payloads are unmasked in
   * place. It never throws: a broken rule is an 'error' event (python-websockets' fuzz
   * contract), and so is anything unforeseen, as 1011 without details.
   */
  receiveData(chunk: Uint8Array): void {
    if (this.inputDone()) return;
    this.queue.push(chunk);
    try {
      this.parse();
    } catch (error) {
      this.parseFailed(error);
    }
  }

  /**
   * Feed bytes that stay the caller's (a read buffer it reuses for the next read): while the
   * sink takes them, the small messages at the front are handed over in place, and only what is
   * left, if anything, is copied and fed as by `receiveData`. A load generator's read of whole
   * small replies is then never copied at all.
   */
  receiveBorrowed(bytes: Uint8Array, length: number): void {
    let at = 0;
    if (this.queue.length === 0) {
      try {
        while (at < length && this.sink !== undefined && this.events.length === 0 && this.messageOpcode === 0 && !this.observeFrames && !this.inputDone()) {
          const size = this.smallFrameSize(bytes, at, length);
          if (size === 0) break;
          at += size;
          this.deliverSmall(bytes, at - size, size);
        }
      } catch (error) {
        // What came after a message whose sink threw is kept for the next read, as receiveData keeps it.
        if (error instanceof SinkFailure && at < length) this.queue.push(Buffer.from(bytes.subarray(at, length)));
        this.parseFailed(error);
        return;
      }
    }
    if (at < length) this.receiveData(Buffer.from(bytes.subarray(at, length)));
  }

  private parseFailed(error: unknown): void {
    // The sink's own failure is the caller's, as a listener's would be: not the peer's.
    if (error instanceof SinkFailure) throw error.cause;
    const failure = error instanceof ProtocolError ? error : new ProtocolError('WS_ERR_INTERNAL', 'internal error', { cause: error });
    // The messages before the error are events already: their replies go out before our Close.
    if (!this.failed && !this.eof) this.fail(failure);
  }

  /** The peer closed the TCP connection. */
  receiveEof(): void {
    this.eof = true;
    this.failureDue = undefined;
    this.queue.clear();
  }

  sendText(data: string | Uint8Array): void {
    this.sendDataFrame(Opcode.Text, data, true, false);
  }

  sendBinary(data: Uint8Array): void {
    this.sendDataFrame(Opcode.Binary, data, true, false);
  }

  /**
   * One frame of a data message: the first with `Text`/`Binary`, the rest with `Continuation`.
   * Extensions use `rsv1` to flag the first frame of a compressed message.
   */
  sendDataFrame(opcode: number, data: string | Uint8Array, fin: boolean, rsv1: boolean): void {
    this.assertCanSend();
    this.pushFrame(opcode, data, fin, rsv1);
  }

  ping(data: Uint8Array | string = EMPTY): void {
    this.assertCanSend();
    this.pushFrame(Opcode.Ping, checkControlPayload(data), true, false);
  }

  pong(data: Uint8Array | string = EMPTY): void {
    this.assertCanSend();
    this.pushFrame(Opcode.Pong, checkControlPayload(data), true, false);
  }

  /**
   * Start (or answer) the closing handshake. Without a code the Close frame is empty and the
   * peer sees 1005. Codes that may not travel on the wire are refused: use `sendFrame` to send
   * them anyway.
   */
  close(code?: number, reason = ''): void {
    // A failure's Close is due: that one goes, with its code.
    if (this.failureDue) this.answerClose();
    if (this.closeSent || this.failed || this.eof) return;
    const payload = encodeClosePayload(code, reason);
    // Answering the peer's Close with a code of our own is allowed (RFC 6455 §5.5.1 only says "typically").
    this.closeReplyDue = false;
    this.closeSent = true;
    this.sentClose = { code: code ?? 1005, reason };
    this.pushFrame(Opcode.Close, payload, true, false);
  }

  /**
   * Send the Close that is due now: the one failing the connection, or the answer to the peer's
   * Close, echoing its code and reason as ws and python-websockets do (RFC 6455 §5.5.1: the
   * answer "typically echos the status code it received").
   */
  answerClose(): void {
    const failure = this.failureDue;
    if (failure) {
      this.failureDue = undefined;
      this.sendFailureClose(failure);
      return;
    }
    if (!this.closeReplyDue || this.closeSent || this.failed || this.eof) return;
    this.closeReplyDue = false;
    const { code, reason } = this.receivedClose!;
    this.closeSent = true;
    this.sentClose = { code, reason };
    this.pushFrame(Opcode.Close, code === 1005 ? EMPTY : encodeClosePayload(code, reason), true, false);
  }

  /**
   * Fail the connection (RFC 6455 §7.1.7): ignore everything the peer sends from now on, and
   * send a Close with the error's code, released like any due Close (see `takeOutgoing`). An
   * adapter that finds a message broken after the core let it through (permessage-deflate:
   * 1007, 1009) calls this; a failure the core found further on in the same read, still due,
   * gives way to it, as it came later in the stream.
   */
  fail(error: ProtocolError): void {
    if ((this.failed && !this.failureDue) || this.eof) return;
    this.failed = true;
    this.queue.clear();
    this.events.push({ type: 'error', error });
    if (!this.closeSent) {
      this.closeReplyDue = false;
      this.failureDue = error;
    }
  }

  private sendFailureClose(error: ProtocolError): void {
    if (this.closeSent || this.eof) return;
    this.closeSent = true;
    // python-websockets' rule: no details for internal errors, they may be security-sensitive.
    const reason = error.closeCode === 1011 ? '' : truncateUtf8(error.message, MAX_CLOSE_REASON_BYTES);
    this.sentClose = { code: error.closeCode, reason };
    this.pushFrame(Opcode.Close, encodeClosePayload(error.closeCode, reason), true, false);
  }

  /**
   * Raw mode: put any frame on the wire exactly as described, invalid ones included.
   * `mask: true` masks with a fresh key; a `maskKey` masks with that key; neither sends it unmasked.
   */
  sendFrame(frame: OutgoingFrame & { mask?: boolean }): void {
    const maskKey = frame.maskKey ?? (frame.mask ? this.nextMaskKey().slice() : undefined);
    const payload = frame.payload ?? EMPTY;
    const header = encodeFrameHeader({ ...frame, maskKey }, payload.length);
    const body = Buffer.from(payload);
    if (maskKey) applyMask(body, maskKey);
    this.queueChunk(Buffer.concat([header, body]));
    if (frame.opcode === Opcode.Close) {
      // A raw Close replaces the Close we owed, and is what we report as sent.
      this.closeSent = true;
      this.closeReplyDue = false;
      this.failureDue = undefined;
      this.sentClose = {
        code: payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005,
        reason: payload.length > 2 ? asBuffer(payload.subarray(2)).toString('utf8') : '',
      };
    }
    if (this.observeFrames) {
      this.events.push({
        type: 'frame',
        frame: outFrameInfo(frame.opcode, frame.fin ?? true, frame.rsv1 ?? false, frame.rsv2 ?? false, frame.rsv3 ?? false, maskKey, asBuffer(payload)),
      });
    }
  }

  /** Raw mode: bytes exactly as given, framed or not. */
  sendRaw(bytes: Uint8Array): void {
    this.queueChunk(bytes);
  }

  /** A chunk of its own in the outgoing queue, after the small frames queued before it. */
  private queueChunk(bytes: Uint8Array): void {
    this.outRun?.close(this.outgoing);
    this.outgoing.push(bytes);
    this.outgoingBytes += bytes.length;
  }

  /** See writeSmallClientFrame. */
  private pushSmallClientFrame(b0: number, data: Uint8Array): void {
    const size = 6 + data.length;
    const run = (this.outRun ??= new OutRun());
    const at = run.reserve(size, this.outgoing);
    this.outgoingBytes += size;
    writeSmallClientFrame(run.buffer!, at, b0, data, this.maskKeySource);
  }

  /** This frame's masking key: a fresh one in FRAME_KEY, or the injected source's. */
  private nextMaskKey(): Uint8Array {
    if (this.maskKeySource) return this.maskKeySource();
    fillMaskKey(FRAME_KEY);
    return FRAME_KEY;
  }

  private inputDone(): boolean {
    return this.failed || this.eof || this.closeReceived;
  }

  private assertCanSend(): void {
    if (!this.canSend) {
      throw Object.assign(new Error('cannot send: the connection is closing or closed'), { code: 'WS_ERR_CONNECTION_CLOSING' });
    }
  }

  private parse(): void {
    const queue = this.queue;
    while (!this.inputDone()) {
      let frame = this.frame;
      if (frame === undefined && this.takeSmallMessage()) continue;
      if (frame === undefined) {
        if (queue.length < 2) return;
        const headerLength = headerLengthFromSecondByte(queue.peek(1));
        if (queue.length < headerLength) return;
        frame = this.header ??= blankFrameHeader();
        const keyBytes = (this.keyBytes ??= new Uint8Array(4));
        const chunk = queue.contiguous(headerLength);
        if (chunk) {
          readFrameHeader(chunk, queue.firstOffset, frame, keyBytes);
          queue.skip(headerLength);
        } else {
          readFrameHeader(queue.take(headerLength), 0, frame, keyBytes);
        }
        this.startFrame(frame);
        this.frame = frame;
        this.frameOffset = 0;
      }
      if (isControlOpcode(frame.opcode)) {
        // Control payloads are at most 125 bytes: wait for all of it.
        if (queue.length < frame.payloadLength) return;
        const payload = frame.payloadLength === 0 ? EMPTY_BUFFER : asBuffer(queue.take(frame.payloadLength));
        if (frame.maskKey) applyMask(payload, frame.maskKey);
        this.frame = undefined;
        this.observeIncoming(frame, payload);
        this.handleControlFrame(frame.opcode, payload);
        continue;
      }
      // Data payloads stream through piece by piece, so a bad UTF-8 byte fails the connection
      // as soon as it arrives, and nothing waits for a whole frame to be buffered.
      while (this.frameOffset < frame.payloadLength) {
        if (queue.length === 0) return;
        const masked = queue.takeUpTo(frame.payloadLength - this.frameOffset);
        // Unmasked on its way into the message (in place, or while copied into the message's buffer).
        const piece = frame.maskKey ? this.assembler.addMasked(masked, frame.maskKey, this.frameOffset) : masked;
        if (!frame.maskKey) this.assembler.add(piece);
        this.frameOffset += piece.length;
        if (this.messageOpcode === Opcode.Text && !this.messageCompressed && !this.utf8.write(piece)) {
          throw invalidUtf8();
        }
        if (this.observeFrames) this.framePieces.push(piece);
      }
      this.frame = undefined;
      this.endDataFrame(frame);
    }
  }

  /**
   * The frame most traffic is made of, in one step: a whole text or binary message in one frame
   * (FIN, no RSV bit) of under 126 bytes, masked as the role requires, header and payload in the
   * first chunk, with no fragmented message in progress and no frames observed. Returns false,
   * having read nothing, for anything else: the general path then reads it and applies every
   * check (so it also reports whatever this one does not accept). Checking the few header bits
   * at once instead of field by field halved the receive path for small messages.
   */
  private takeSmallMessage(): boolean {
    if (this.messageOpcode !== 0 || this.observeFrames) return false;
    const queue = this.queue;
    const chunk = queue.contiguous(2);
    if (chunk === undefined) return false;
    const at = queue.firstOffset;
    const size = this.smallFrameSize(chunk, at, chunk.length);
    if (size === 0) return false;
    queue.skip(size);
    if (this.sink !== undefined && this.events.length === 0) {
      this.deliverSmall(chunk, at, size);
      return true;
    }
    const end = at + size;
    const start = this.openSmall(chunk, at, end);
    const payload = start === end ? EMPTY_BUFFER : asBuffer(chunk.subarray(start, end));
    this.events.push({ type: 'message', binary: chunk[at] === 0x82, data: payload, compressed: false });
    return true;
  }

  /** The size of the small whole message at `bytes[at]` (header included, all of it before `end`), or 0: see takeSmallMessage. */
  private smallFrameSize(bytes: Uint8Array, at: number, end: number): number {
    if (end - at < 2) return 0;
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const length = b1 & 0x7f;
    const masked = b1 >= 0x80;
    if ((b0 !== 0x81 && b0 !== 0x82) || length >= 126 || masked !== (this.role === 'server') || length > this.maxMessageSize) return 0;
    const size = (masked ? 6 : 2) + length;
    return end - at < size ? 0 : size;
  }

  /**
   * The payload of the small message at `bytes[at..end)` (see smallFrameSize), unmasked in place
   * and, if text, checked to be UTF-8: returns where it starts.
   */
  private openSmall(bytes: Uint8Array, at: number, end: number): number {
    const start = end - (bytes[at + 1]! & 0x7f);
    if (start - at === 6) applyMaskRange(bytes, start, end, this.keyAt(bytes, at + 2));
    if (bytes[at] === 0x81) checkSmallText(bytes, start, end, this.utf8);
    return start;
  }

  /** The small message of `size` bytes at `bytes[at]` to the sink: opened in place, no Buffer made. */
  private deliverSmall(bytes: Uint8Array, at: number, size: number): void {
    const end = at + size;
    const start = this.openSmall(bytes, at, end);
    try {
      this.sink!.smallMessage(bytes, start, end, bytes[at] === 0x82);
    } catch (error) {
      throw new SinkFailure(error);
    }
  }

  /** The 4 key bytes at `bytes[at]`, in the reused key buffer. */
  private keyAt(bytes: Uint8Array, at: number): Uint8Array {
    const key = (this.keyBytes ??= new Uint8Array(4));
    key[0] = bytes[at]!;
    key[1] = bytes[at + 1]!;
    key[2] = bytes[at + 2]!;
    key[3] = bytes[at + 3]!;
    return key;
  }

  /** Every check that can be made from the header alone, before any payload is buffered. */
  private startFrame(frame: FrameHeader): void {
    try {
      this.checkHeader(frame);
    } catch (error) {
      this.observeIncoming(frame, EMPTY_BUFFER);
      throw error;
    }
    if (frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary) {
      this.messageOpcode = frame.opcode;
      this.messageCompressed = frame.rsv1;
      this.utf8.reset();
      if (frame.fin) this.assembler.expect(frame.payloadLength);
    }
  }

  private checkHeader(frame: FrameHeader): void {
    const { opcode } = frame;
    // RFC 6455 §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
    if (!isKnownOpcode(opcode)) throw new ProtocolError('WS_ERR_INVALID_OPCODE', `reserved opcode 0x${opcode.toString(16)}`);
    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings for non-zero values"
    if (frame.rsv2 || frame.rsv3) throw new ProtocolError('WS_ERR_UNEXPECTED_RSV_2_3', 'RSV2 and RSV3 must be clear');
    if (frame.rsv1) {
      // RFC 7692 §6: RSV1 marks the first frame of a compressed message, never a control or continuation frame.
      if (!this.allowRsv1 || opcode === Opcode.Continuation || isControlOpcode(opcode)) {
        throw new ProtocolError('WS_ERR_UNEXPECTED_RSV_1', 'RSV1 must be clear');
      }
    }
    // RFC 6455 §5.1: clients mask every frame, servers mask none.
    if (this.role === 'server' && !frame.masked) throw new ProtocolError('WS_ERR_EXPECTED_MASK', 'client frames must be masked');
    if (this.role === 'client' && frame.masked) throw new ProtocolError('WS_ERR_UNEXPECTED_MASK', 'server frames must not be masked');
    if (isControlOpcode(opcode)) {
      if (frame.payloadLength > 125) throw new ProtocolError('WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 'control frame payload over 125 bytes');
      if (!frame.fin) throw new ProtocolError('WS_ERR_FRAGMENTED_CONTROL_FRAME', 'control frames must not be fragmented');
      return;
    }
    if (opcode === Opcode.Continuation) {
      if (this.messageOpcode === 0) throw new ProtocolError('WS_ERR_UNEXPECTED_CONTINUATION', 'continuation frame with no message in progress');
    } else if (this.messageOpcode !== 0) {
      throw new ProtocolError('WS_ERR_EXPECTED_CONTINUATION', 'new data frame while a fragmented message is in progress');
    }
    // Checked before any payload is buffered, so a huge length costs nothing.
    if (this.assembler.size + frame.payloadLength > this.maxMessageSize) {
      throw new ProtocolError('WS_ERR_MESSAGE_TOO_BIG', `message over the ${this.maxMessageSize}-byte limit`);
    }
  }

  private endDataFrame(frame: FrameHeader): void {
    if (this.observeFrames) {
      const payload = this.framePieces.length === 1 ? asBuffer(this.framePieces[0]!) : Buffer.concat(this.framePieces);
      this.framePieces = [];
      this.observeIncoming(frame, payload);
    }
    if (!frame.fin) return;
    if (this.messageOpcode === Opcode.Text && !this.messageCompressed && !this.utf8.isComplete()) {
      throw unfinishedUtf8();
    }
    const data = this.assembler.finish();
    this.events.push({ type: 'message', binary: this.messageOpcode === Opcode.Binary, data, compressed: this.messageCompressed });
    this.messageOpcode = 0;
    this.messageCompressed = false;
  }

  private handleControlFrame(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) {
      this.events.push({ type: 'ping', data: payload });
      // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response"
      if (this.autoPong && !this.closeSent) this.pushFrame(Opcode.Pong, payload, true, false);
      return;
    }
    if (opcode === Opcode.Pong) {
      this.events.push({ type: 'pong', data: payload });
      return;
    }
    const { code, reason } = decodeClosePayload(payload);
    this.closeReceived = true;
    this.receivedClose = { code, reason };
    this.queue.clear();
    this.events.push({ type: 'close', code, reason });
    if (!this.closeSent) this.closeReplyDue = true;
  }

  private observeIncoming(frame: FrameHeader, payload: Buffer): void {
    if (!this.observeFrames) return;
    this.events.push({
      type: 'frame',
      frame: {
        direction: 'in',
        opcode: frame.opcode,
        fin: frame.fin,
        rsv1: frame.rsv1,
        rsv2: frame.rsv2,
        rsv3: frame.rsv3,
        masked: frame.masked,
        // The header object and its key bytes are reused for the next frame: the event gets a copy.
        maskKey: frame.maskKey?.slice(),
        payloadLength: frame.payloadLength,
        payload,
      },
    });
  }

  private pushFrame(opcode: number, data: string | Uint8Array, fin: boolean, rsv1: boolean): void {
    if (typeof data !== 'string' && data.length < 126 && this.role === 'client' && !this.observeFrames) {
      this.pushSmallClientFrame((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode, data);
      return;
    }
    const maskKey = this.role === 'client' ? this.nextMaskKey() : undefined;
    const text = typeof data === 'string';
    const length = text ? Buffer.byteLength(data) : data.length;
    const headerLength = frameHeaderLength(length, maskKey !== undefined);
    const size = headerLength + length;
    if (text || maskKey || length < COPY_THRESHOLD) {
      // Header and payload side by side, written in place: in the shared slab when small (and
      // then in one chunk with the frames queued before it), else in a buffer of their own.
      let out: Buffer;
      let at = 0;
      if (size <= SLAB_FRAME_LIMIT) {
        const run = (this.outRun ??= new OutRun());
        at = run.reserve(size, this.outgoing);
        out = run.buffer!;
        this.outgoingBytes += size;
      } else {
        out = Buffer.allocUnsafe(size);
        this.queueChunk(out);
      }
      writeFrameHeader(out, at, opcode, fin, rsv1, length, maskKey);
      const payloadAt = at + headerLength;
      if (text) {
        out.write(data, payloadAt);
        if (maskKey) applyMaskRange(out, payloadAt, payloadAt + length, maskKey);
      } else if (maskKey) {
        copyMasked(data, out, payloadAt, maskKey);
      } else {
        out.set(data, payloadAt);
      }
    } else {
      // A large server frame: its payload is sent as it is, after a header of its own.
      const header = Buffer.allocUnsafe(headerLength);
      writeFrameHeader(header, 0, opcode, fin, rsv1, length, undefined);
      this.queueChunk(header);
      this.queueChunk(data);
    }
    if (this.observeFrames) {
      // FRAME_KEY is reused by the next frame: the event keeps a copy.
      const payload = text ? Buffer.from(data) : asBuffer(data);
      this.events.push({ type: 'frame', frame: outFrameInfo(opcode, fin, rsv1, false, false, maskKey?.slice(), payload) });
    }
  }
}

/**
 * A client frame of under 126 bytes (most of what a client sends), in the slab: its two header
 * bytes set at once, the fresh key written straight into the header and the payload masked from
 * it, without the general header writer, the reused key buffer or a view.
 */
function writeSmallClientFrame(out: Uint8Array, at: number, b0: number, data: Uint8Array, keySource: (() => Uint8Array) | undefined): void {
  out[at] = b0;
  out[at + 1] = 0x80 | data.length;
  if (keySource) out.set(keySource().subarray(0, 4), at + 2);
  else writeMaskKey(out, at + 2);
  copyMaskedShort(data, out, at + 6, out[at + 2]!, out[at + 3]!, out[at + 4]!, out[at + 5]!);
}

function outFrameInfo(opcode: number, fin: boolean, rsv1: boolean, rsv2: boolean, rsv3: boolean, maskKey: Uint8Array | undefined, payload: Buffer): FrameInfo {
  return { direction: 'out', opcode, fin, rsv1, rsv2, rsv3, masked: maskKey !== undefined, maskKey, payloadLength: payload.length, payload };
}

/** A message must fit in one Buffer (buffer.constants.MAX_LENGTH; 4 GiB on Node 20). */
export function checkMaxMessageSize(size: number): number {
  if (!(Number.isSafeInteger(size) && size >= 0 && size <= MAX_LENGTH)) {
    throw new RangeError(`maxMessageSize must be an integer from 0 to ${MAX_LENGTH} (the largest Buffer), got ${size}`);
  }
  return size;
}

/** A whole small text message is UTF-8: ASCII in a loop of its own, the rest by the validator. */
function checkSmallText(bytes: Uint8Array, start: number, end: number, utf8: Utf8Validator): void {
  let i = start;
  while (i < end && bytes[i]! < 0x80) i++;
  if (i === end) return;
  utf8.reset();
  if (!utf8.write(bytes.subarray(i, end))) throw invalidUtf8();
  if (!utf8.isComplete()) throw unfinishedUtf8();
}

/** What a sink threw, carried out of the parse so it is not taken for the peer's fault. */
class SinkFailure {
  constructor(readonly cause: unknown) {}
}

/** A text message's bytes are not UTF-8 (RFC 6455 §8.1: fail the connection, 1007). Both read paths throw it. */
function invalidUtf8(): ProtocolError {
  return new ProtocolError('WS_ERR_INVALID_UTF8', 'invalid UTF-8 in text message');
}

/** A text message ends inside a code point: 1007 too. */
function unfinishedUtf8(): ProtocolError {
  return new ProtocolError('WS_ERR_INVALID_UTF8', 'text message ends inside a UTF-8 sequence');
}

function checkControlPayload(data: Uint8Array | string): Uint8Array | string {
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (length > 125) throw new RangeError(`control frame payload is ${length} bytes; the limit is 125`);
  return data;
}

const EMPTY = new Uint8Array(0);
/** The masking key of the frame being queued, reused (see nextMaskKey). */
const FRAME_KEY = new Uint8Array(4);
const MAX_LENGTH = bufferConstants.MAX_LENGTH;
const EMPTY_BUFFER = Buffer.alloc(0);
// Shared by every connection when there is nothing to take, so frozen: a caller that pushes
// onto one gets a TypeError instead of leaking entries into every other connection.
const NO_EVENTS = Object.freeze([]) as unknown as ConnectionEvent[];
const NO_BYTES = Object.freeze([]) as unknown as Uint8Array[];
