/**
 * How the client's plain TCP sockets read: through Node's `onread`, into one buffer shared by
 * every such socket of the thread, each read then copied into a Buffer of exactly its size
 * (from Node's pool when small) and emitted as 'data', as a stream would. The stream's own read
 * path allocates a 64 KiB buffer per read and shrinks it, pushes through the Readable machinery
 * and queues a `nextTick` per read; for a load generator's thousands of small reads a second
 * that was most of what a read cost beyond the system call. Listeners see the same 'data',
 * 'end' and 'close', and `pause()`/`resume()` stop and start reading as before.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function onRead(this: Socket, length: number, buffer: Buffer): boolean {
  const chunk = Buffer.allocUnsafe(length);
  buffer.copy(chunk, 0, 0, length);
  this.emit('data', chunk);
  return true;
}

/** The `onread` option for `net.connect`. */
export const SHARED_READS = { buffer: READ_BUFFER, callback: onRead } as const;
