/**
 * What every fault is given besides its frames: a clock, a source of randomness, and a place to
 * report what it did. Each is injected so that a fault's tests are exact and need no sockets or
 * real time, as the protocol core's are (STYLE.md, habit 5).
 */
import type { RelayDirection } from '../fault.js';

export interface FaultClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Run `callback` after `ms`; the function returned cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

/**
 * Something a fault did that changes what the far peer gets: a message dropped or corrupted, the
 * legs closed, reset or stalled. The proxy prints each one, so nothing is lost without being
 * reported.
 */
export interface FaultNote {
  direction: RelayDirection;
  fault: string;
  /** For people: "dropped a text message (12 bytes in 1 frame)". */
  what: string;
}

/** A fault's note with its connection: the proxy's relayed connections counted from 1, as `@N` counts them. */
export interface FaultReport extends FaultNote {
  connection: number;
}

export interface FaultContext {
  clock: FaultClock;
  /** Uniform in [0, 1), as Math.random. */
  random: () => number;
  report: (report: FaultReport) => void;
}

export const realClock: FaultClock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

export function sleep(clock: FaultClock, ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => clock.setTimer(ms, resolve));
}

/** `client → server`, `server → client`: the arrows the live view uses. */
export function arrow(direction: RelayDirection): string {
  return direction === 'client-to-server' ? 'client → server' : 'server → client';
}

/** For a status line after the connection's label: `client → server: drop-messages dropped a text message (12 bytes in 1 frame)`. */
export function formatFaultNote(note: FaultNote): string {
  return `${arrow(note.direction)}: ${note.fault} ${note.what}`;
}
