/**
 * How a conformance case is written: what the raw peer sends, step by step, and what the
 * endpoint under test must answer. Cases are modelled on the Autobahn testsuite's categories,
 * written anew for wscope; the same case runs against our server and our client.
 */
import type { SocketOptions } from '../../src/index.js';
import type { FrameSpec, PeerRole } from './raw-peer.js';

export type Step =
  /** Frames written in one write (or in pieces of `chop` bytes). */
  | { frames: FrameSpec[]; chop?: number }
  | { raw: Uint8Array; chop?: number }
  | { delay: number }
  /** Wait until the endpoint has answered this many messages and pings. */
  | { awaitReplies: number }
  /** Wait for the endpoint's Close before going on: the failure must come without the rest. */
  | { awaitClose: true };

export interface ExpectedClose {
  /** The code in the endpoint's Close frame (1005: an empty one) and in its close event. */
  code: number;
  /** Echoing the peer's Close is clean; failing the connection is not. */
  clean: boolean;
  reason?: string;
}

export interface Case {
  id: string;
  title: string;
  steps: Step[];
  /** Messages the endpoint echoes, in order: a string is a text message, a Buffer binary. */
  echo?: Array<string | Buffer>;
  /** Payloads of the pongs the endpoint sends, in order. */
  pongs?: Array<string | Buffer>;
  close: ExpectedClose;
  /** Options for the endpoint under test (both roles). */
  options?: SocketOptions;
  /** Run against one role only. */
  only?: PeerRole;
}

export const Op = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

type FrameOptions = Omit<FrameSpec, 'op' | 'data'> & { chop?: number };

export function frame(spec: FrameSpec, chop?: number): Step {
  return chop === undefined ? { frames: [spec] } : { frames: [spec], chop };
}

function make(op: number, data: string | Uint8Array | undefined, options: FrameOptions = {}): Step {
  const { chop, ...rest } = options;
  return frame({ op, ...(data !== undefined && { data }), ...rest }, chop);
}

export const text = (data: string | Uint8Array, options?: FrameOptions): Step => make(Op.text, data, options);
export const binary = (data: Uint8Array, options?: FrameOptions): Step => make(Op.binary, data, options);
export const cont = (data: string | Uint8Array, options?: FrameOptions): Step => make(Op.cont, data, options);
export const ping = (data: string | Uint8Array = '', options?: FrameOptions): Step => make(Op.ping, data, options);
export const pong = (data: string | Uint8Array = '', options?: FrameOptions): Step => make(Op.pong, data, options);

/** A Close frame: no code gives an empty payload. */
export function close(code?: number, reason = '', options?: FrameOptions): Step {
  return make(Op.close, code === undefined ? Buffer.alloc(0) : closePayload(code, reason), options);
}

export function closePayload(code: number, reason: string | Uint8Array = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

/** Several steps' frames in a single write. */
export function together(...steps: Step[]): Step {
  const frames: FrameSpec[] = [];
  for (const step of steps) {
    if (!('frames' in step)) throw new TypeError('together() takes frame steps only');
    frames.push(...step.frames);
  }
  return { frames };
}

export const delay = (ms: number): Step => ({ delay: ms });
export const awaitReplies = (count: number): Step => ({ awaitReplies: count });
export const awaitClose = (): Step => ({ awaitClose: true });

/** The endpoint echoes the peer's Close. */
export const echoes = (code = 1000, reason?: string): ExpectedClose => (reason === undefined ? { code, clean: true } : { code, clean: true, reason });
/** The endpoint fails the connection with this code. */
export const fails = (code: 1002 | 1007 | 1009): ExpectedClose => ({ code, clean: false });

/** Deterministic bytes 0, 1, 2… (mod 251, so no period lines up with frame or chunk sizes). */
export function pattern(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = i % 251;
  return out;
}

/** Printable ASCII text of a given length. */
export function asciiText(length: number): string {
  let out = '';
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  while (out.length < length) out += alphabet;
  return out.slice(0, length);
}

/** Split `data` into `size`-byte fragments: first Text/Binary, then continuations, the last with fin. */
export function fragments(op: number, data: Uint8Array, size: number, options: Omit<FrameOptions, 'fin'> = {}): Step {
  const frames: FrameSpec[] = [];
  const { chop, ...rest } = options;
  for (let offset = 0; offset < data.length || frames.length === 0; offset += size) {
    frames.push({ op: offset === 0 ? op : Op.cont, data: data.subarray(offset, offset + size), fin: offset + size >= data.length, ...rest });
  }
  return chop === undefined ? { frames } : { frames, chop };
}
