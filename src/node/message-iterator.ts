/**
 * `for await (const message of socket)`: messages queue here until the loop takes them.
 * When the loop falls behind by more than `highWaterMark` bytes, reading from the socket
 * pauses, so a fast peer cannot grow the queue without bound; it resumes once drained.
 */
import { Buffer } from 'node:buffer';
export interface IteratorSource {
  onMessage(listener: (data: Buffer, isBinary: boolean) => void): () => void;
  onEnd(listener: () => void): () => void;
  pauseReading(): void;
  resumeReading(): void;
}

export function messageIterator(source: IteratorSource, highWaterMark: number): AsyncIterableIterator<string | Buffer> {
  const queue: Array<string | Buffer> = [];
  let queuedBytes = 0;
  let paused = false;
  let ended = false;
  let waiting: ((result: IteratorResult<string | Buffer>) => void) | undefined;

  const unsubscribeMessage = source.onMessage((data, isBinary) => {
    const message = isBinary ? data : data.toString('utf8');
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: message, done: false });
      return;
    }
    queue.push(message);
    queuedBytes += data.length;
    if (!paused && queuedBytes > highWaterMark) {
      paused = true;
      source.pauseReading();
    }
  });
  const unsubscribeEnd = source.onEnd(() => finish());

  function finish(): void {
    if (ended) return;
    ended = true;
    unsubscribeMessage();
    unsubscribeEnd();
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  return {
    next(): Promise<IteratorResult<string | Buffer>> {
      const message = queue.shift();
      if (message !== undefined) {
        queuedBytes -= typeof message === 'string' ? Buffer.byteLength(message) : message.length;
        if (paused && queuedBytes <= highWaterMark / 2) {
          paused = false;
          source.resumeReading();
        }
        return Promise.resolve({ value: message, done: false });
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return(): Promise<IteratorResult<string | Buffer>> {
      finish();
      queue.length = 0;
      if (paused) source.resumeReading();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
