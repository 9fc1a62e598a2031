/**
 * The raw peer's side of permessage-deflate (RFC 7692), with node:zlib and nothing from src/:
 * the offer (raw client) or answer (raw server) it makes, the agreement read back from the
 * handshake, our endpoint's compressed replies inflated with the context kept or reset as
 * agreed, and the peer's own messages compressed.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Step } from './case.js';
import { acceptFor, type FrameSpec, type PeerRole } from './raw-peer.js';

/** RFC 7692 §7.2.1: a sync flush ends in 00 00 FF FF, which the sender removes and the receiver appends. */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * What a case asks of the negotiation, from the endpoint's and the peer's side, so that it
 * means the same whichever role our endpoint plays.
 */
export interface DeflateAgreement {
  /** The endpoint resets its compressor after every message (server_ or client_no_context_takeover). */
  endpointNoContextTakeover?: boolean;
  /** The raw peer promises to reset its own compressor after every message. */
  peerNoContextTakeover?: boolean;
  /** The endpoint's compression window (server_ or client_max_window_bits). */
  endpointWindowBits?: number;
  /** The raw peer's compression window. */
  peerWindowBits?: number;
}

/** The Sec-WebSocket-Extensions value the raw client offers, or the raw server answers with. */
export function peerExtensionHeader(peer: PeerRole, agreement: DeflateAgreement = {}): string {
  // Names from the peer's side: as a client it is the "client_" half of the parameters.
  const [own, other] = peer === 'client' ? ['client', 'server'] : ['server', 'client'];
  const params = ['permessage-deflate'];
  if (agreement.endpointNoContextTakeover) params.push(`${other}_no_context_takeover`);
  if (agreement.peerNoContextTakeover) params.push(`${own}_no_context_takeover`);
  if (agreement.endpointWindowBits !== undefined) params.push(`${other}_max_window_bits=${agreement.endpointWindowBits}`);
  if (agreement.peerWindowBits !== undefined) params.push(`${own}_max_window_bits=${agreement.peerWindowBits}`);
  // As browsers do, a client says it supports client_max_window_bits (RFC 7692 §7.1.2.2).
  else if (peer === 'client') params.push('client_max_window_bits');
  return params.join('; ');
}

/**
 * The raw server's answer to our client: a 101 accepting permessage-deflate with `agreement`
 * when the request offered it, a plain 101 otherwise (the runner then reports the missing offer).
 */
export function answerWithDeflate(agreement: DeflateAgreement = {}): (head: string, key: string) => string {
  return (head, key) => {
    const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptFor(key)}`];
    if (offersDeflate(head)) lines.push(`Sec-WebSocket-Extensions: ${peerExtensionHeader('server', agreement)}`);
    return `${lines.join('\r\n')}\r\n\r\n`;
  };
}

export function offersDeflate(head: string): boolean {
  return /^sec-websocket-extensions:[^\r\n]*\bpermessage-deflate\b/im.test(head);
}

/** One direction's compression, as agreed. */
export interface Direction {
  noContextTakeover: boolean;
  windowBits: number;
}

/** The agreement read from the handshake's response, from the raw peer's side. */
export interface PeerDeflate {
  /** How the endpoint compresses what it sends us. */
  endpoint: Direction;
  /** How we may compress what we send. */
  peer: Direction;
}

/** Throws when `response` (the 101's Sec-WebSocket-Extensions) did not agree on permessage-deflate. */
export function readAgreement(response: string | undefined, peer: PeerRole): PeerDeflate {
  const [name, ...rest] = (response ?? '').split(';').map((part) => part.trim());
  if (name !== 'permessage-deflate') throw new Error(`permessage-deflate was not agreed (Sec-WebSocket-Extensions: ${JSON.stringify(response ?? null)})`);
  const params = new Map(rest.map((param) => param.split('=').map((s) => s.trim()) as [string, string | undefined]));
  const side = (half: 'server' | 'client'): Direction => ({
    noContextTakeover: params.has(`${half}_no_context_takeover`),
    windowBits: Number(params.get(`${half}_max_window_bits`) ?? 15),
  });
  return peer === 'client' ? { endpoint: side('server'), peer: side('client') } : { endpoint: side('client'), peer: side('server') };
}

/**
 * Inflates the endpoint's compressed messages one after the other. The LZ77 window a context
 * takeover carries over is the last 2^windowBits bytes inflated, given to zlib as a preset
 * dictionary: so each message inflates synchronously, and an endpoint that reached back into a
 * context it had promised to reset, or beyond its window, fails here.
 */
export class ReplyInflater {
  private window = Buffer.alloc(0);

  constructor(private readonly direction: Direction) {}

  inflate(payload: Buffer): Buffer {
    const { windowBits, noContextTakeover } = this.direction;
    const data = inflateRawSync(Buffer.concat([payload, TAIL]), {
      windowBits,
      finishFlush: constants.Z_SYNC_FLUSH,
      ...(this.window.length > 0 && { dictionary: this.window }),
    });
    // RFC 7692 §7.2.2: without context takeover "the decompressor MUST start with an empty LZ77 sliding window".
    if (!noContextTakeover) this.window = Buffer.from(Buffer.concat([this.window, data]).subarray(-(1 << windowBits)));
    return data;
  }
}

/** A whole message compressed on its own (RFC 7692 §7.2.1), the tail removed: for hand-written cases. */
export function deflated(data: string | Uint8Array, options: { dictionary?: Uint8Array; windowBits?: number; final?: boolean } = {}): Buffer {
  const out = deflateRawSync(data, {
    finishFlush: options.final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    windowBits: options.windowBits ?? 15,
    ...(options.dictionary && { dictionary: options.dictionary }),
  });
  return options.final ? out : out.subarray(0, out.length - TAIL.length);
}

/**
 * The case's steps with every message the peer sends compressed: each message deflated whole
 * (with the context before it, unless the peer gave context takeover up) and its compressed bytes
 * spread over the message's frames, so the fragments and the control frames between them stay
 * where they were (RFC 7692 §6.1: a compressed message may be fragmented anywhere); RSV1 on the
 * first frame. Frames outside a message (orphan continuations, control frames) and messages
 * with a forced length or RSV bits go as they are.
 */
export function compressSteps(steps: readonly Step[], direction: Direction): Step[] {
  const out = steps.map((step): Step => ('frames' in step ? { ...step, frames: [...step.frames] } : step));
  const messages: Array<Array<{ frames: FrameSpec[]; index: number }>> = [];
  let open: Array<{ frames: FrameSpec[]; index: number }> | undefined;
  for (const step of out) {
    if (!('frames' in step)) continue;
    step.frames.forEach((spec, index) => {
      if (spec.op === 0x1 || spec.op === 0x2) {
        open = spec.declaredLength === undefined && spec.rsv === undefined ? [] : undefined;
        if (open) messages.push(open);
      } else if (spec.op !== 0x0) {
        return;
      }
      open?.push({ frames: step.frames, index });
      if (spec.fin ?? true) open = undefined;
    });
  }
  const { windowBits, noContextTakeover } = direction;
  let window = Buffer.alloc(0);
  for (const parts of messages) {
    const plain = Buffer.concat(parts.map(({ frames, index }) => Buffer.from(frames[index]!.data ?? [])));
    const data = deflated(plain, { windowBits, ...(window.length > 0 && { dictionary: window }) });
    parts.forEach(({ frames, index }, i) => {
      const share = data.subarray(Math.floor((i * data.length) / parts.length), Math.floor(((i + 1) * data.length) / parts.length));
      frames[index] = { ...frames[index]!, data: share, ...(i === 0 && { rsv: 4 }) };
    });
    if (!noContextTakeover) window = Buffer.from(Buffer.concat([window, plain]).subarray(-(1 << windowBits)));
  }
  return out;
}
