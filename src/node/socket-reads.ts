/**
 * How the client's plain TCP sockets read: through Node's `onread`, into one buffer shared by
 * every such socket of the thread, each read then copied into a Buffer of exactly its size
 * (from Node's pool when small) and emitted as 'data', as a stream would. The stream's own read
 * path allocates a 64 KiB buffer per read and shrinks it, pushes through the Readable machinery
 * and queues a `nextTick` per read; for a load generator's thousands of small reads a second
 * that was most of what a read cost beyond the system call. Listeners see the same 'data',
 * 'end' and 'close', and `pause()`/`resume()` stop and start reading as before.
 *
 * A socket may also name a reader that takes the read in place, in the shared buffer, before
 * it is copied (`borrowReads`): the load generator's sockets, whose replies are matched on the
 * spot and never kept (see Connection.receiveBorrowed). The reader says whether it took the
 * read; if not, the read goes on as 'data'.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Takes a read in the shared buffer, valid only during the call; false: not now (it is emitted as 'data'). */
export interface BorrowingReader {
  readBorrowed(buffer: Buffer, length: number): boolean;
}

const kReader = Symbol('wscope.borrowing-reader');
type ReadSocket = Socket & { [kReader]?: BorrowingReader };

/** From now on, `reader` is offered each read of `socket` first (a socket opened with SHARED_READS). */
export function borrowReads(socket: Socket, reader: BorrowingReader): void {
  (socket as ReadSocket)[kReader] = reader;
}

function onRead(this: ReadSocket, length: number, buffer: Buffer): boolean {
  const reader = this[kReader];
  if (reader !== undefined && reader.readBorrowed(buffer, length)) return true;
  const chunk = Buffer.allocUnsafe(length);
  buffer.copy(chunk, 0, 0, length);
  this.emit('data', chunk);
  return true;
}

/** The `onread` option for `net.connect`. */
export const SHARED_READS = { buffer: READ_BUFFER, callback: onRead } as const;
