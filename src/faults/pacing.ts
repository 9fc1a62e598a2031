/**
 * How to dribble bytes at a given rate: a chunk every interval. Timers fire no more often than
 * every few milliseconds, so fast rates send bigger chunks each tick and slow rates send one
 * byte each, further apart.
 */

/** The shortest interval between writes; below it timer overhead rather than the rate decides. */
const MIN_INTERVAL_MS = 20;

export interface Pace {
  /** Bytes written each time. */
  chunkSize: number;
  /** Milliseconds between writes. */
  intervalMs: number;
}

export function paceFor(bytesPerSecond: number): Pace {
  if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond)) throw new RangeError(`a rate is a positive number of bytes per second, not ${bytesPerSecond}`);
  const perTick = (bytesPerSecond * MIN_INTERVAL_MS) / 1000;
  if (perTick >= 1) {
    const chunkSize = Math.floor(perTick);
    return { chunkSize, intervalMs: (chunkSize * 1000) / bytesPerSecond };
  }
  return { chunkSize: 1, intervalMs: 1000 / bytesPerSecond };
}

/** `bytes` cut into the chunks `pace` writes, in order. */
export function pacedChunks(bytes: Uint8Array, pace: Pace): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += pace.chunkSize) chunks.push(bytes.subarray(at, at + pace.chunkSize));
  return chunks;
}
