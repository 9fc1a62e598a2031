/**
 * One message as several frames (RFC 6455 §5.4): the first with the message's opcode, the rest
 * continuations (opcode 0), FIN only on the last; control frames may come between them ("An
 * endpoint MUST be capable of handling control frames in the middle of a fragmented message").
 */
import type { WireFrame } from './wire.js';

/** `payload` cut into `count` pieces of sizes as equal as can be (some empty when it has fewer bytes: empty fragments are allowed). */
export function splitPayload(payload: Uint8Array, count: number): Uint8Array[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a message is sent in 1 frame or more, not ${count}`);
  const pieces: Uint8Array[] = [];
  const base = Math.floor(payload.length / count);
  let extra = payload.length % count;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = base + (extra-- > 0 ? 1 : 0);
    pieces.push(payload.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/**
 * The frames of one fragmented message, with `between` after every fragment but the last; each
 * fragment masked with the key `maskKey` gives it (none when it gives undefined).
 */
export function fragmentedMessage(
  opcode: number,
  payload: Uint8Array,
  count: number,
  between: readonly WireFrame[] = [],
  maskKey: () => Uint8Array | undefined = () => undefined,
): WireFrame[] {
  const frames: WireFrame[] = [];
  splitPayload(payload, count).forEach((piece, index) => {
    const last = index === count - 1;
    const key = maskKey();
    frames.push({ opcode: index === 0 ? opcode : 0, fin: last, payload: piece, ...(key && { maskKey: key }) });
    if (!last) frames.push(...between);
  });
  return frames;
}
