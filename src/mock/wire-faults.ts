/**
 * The faults the mock puts on the wire through the engine's raw mode: a message cut into frames
 * of N bytes, a Close with a code the normal API refuses, a TCP cut without any Close.
 */
import { Buffer } from 'node:buffer';
import { isSendableCloseCode, Opcode, type WebSocket } from '../index.js';
import type { Ending } from './mock-config.js';
import type { Outgoing } from './render-message.js';

/**
 * Send `message` as frames of at most `bytes` payload bytes: the first with the message's
 * opcode, the rest continuations, FIN on the last (RFC 6455 §5.4: "a fragmented message
 * consists of a single frame with the FIN bit clear and an opcode other than 0, followed by zero
 * or more frames with the FIN bit clear and the opcode set to 0, and terminated by a single frame
 * with the FIN bit set and an opcode of 0"). A text message may be cut inside a UTF-8 sequence:
 * only the whole message must be valid (§8.1). Unmasked: a server's frames are (§5.1). Returns
 * the number of frames.
 */
export function sendFragmented(socket: WebSocket, message: Outgoing, bytes: number): number {
  const { payload } = message;
  const count = Math.max(1, Math.ceil(payload.length / bytes));
  for (let i = 0; i < count; i++) {
    socket.sendFrame({
      opcode: i === 0 ? (message.binary ? Opcode.Binary : Opcode.Text) : Opcode.Continuation,
      payload: payload.subarray(i * bytes, (i + 1) * bytes),
      fin: i === count - 1,
    });
  }
  return count;
}

/**
 * End the connection as the file says. A code the API may not send (1005, 1006, 1015, 999...)
 * goes as a raw Close frame: reproducing a server that does so is the point.
 */
export function endConnection(socket: WebSocket, ending: Ending): void {
  if (socket.readyState !== socket.OPEN) return;
  if (ending.kind === 'abort') {
    socket.terminate();
    return;
  }
  const { code, reason } = ending;
  if (code === undefined || isSendableCloseCode(code)) {
    socket.close(code, reason);
    return;
  }
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  socket.sendFrame({ opcode: Opcode.Close, payload });
}
