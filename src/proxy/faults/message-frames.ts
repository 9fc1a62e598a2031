/**
 * Where messages begin and end in a stream of frames. RFC 6455 §5.4: a message is one frame with
 * FIN set, or a text/binary frame without FIN followed by continuation frames, the last with FIN;
 * control frames (opcode 8 and up) "MAY be injected in the middle of a fragmented message" and
 * are never fragmented themselves.
 */
import type { RelayedFrame } from '../fault.js';

export const CONTINUATION = 0x0;
export const TEXT = 0x1;
export const BINARY = 0x2;
export const CLOSE = 0x8;

export function isControl(frame: RelayedFrame): boolean {
  return frame.opcode >= 0x8;
}

/** The first frame of a data message (text or binary, fragmented or not). */
export function startsMessage(frame: RelayedFrame): boolean {
  return frame.opcode === TEXT || frame.opcode === BINARY;
}

/** The last frame of a data message. */
export function endsMessage(frame: RelayedFrame): boolean {
  return frame.fin && !isControl(frame);
}

export function kindOf(opcode: number): string {
  return opcode === TEXT ? 'text' : opcode === BINARY ? 'binary' : `opcode ${opcode}`;
}

/** "12 bytes in 1 frame", "1 byte in 3 frames". */
export function sizeText(bytes: number, frames: number): string {
  return `${bytes} byte${bytes === 1 ? '' : 's'} in ${frames} frame${frames === 1 ? '' : 's'}`;
}
