/**
 * The seam between the proxy's relay (relay.ts) and its faults (faults/). A fault is one small
 * thing done to the frames going one way, as toxiproxy's toxics are: each direction of a relayed
 * connection has a chain of them, and a frame goes through the chain in order before the relay
 * writes it to the other leg.
 *
 * Frames, not messages: the proxy relays one for one, so a fault sees fragments and control
 * frames as they came, and may split, hold, drop or alter them.
 */
import type { Buffer } from 'node:buffer';

/** Which way a frame travels through the proxy. */
export type RelayDirection = 'client-to-server' | 'server-to-client';

/** A frame on its way from one leg to the other: its payload unmasked and, when RSV1 says so, still compressed. */
export interface RelayedFrame {
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  payload: Buffer;
}

/** What a fault may do to the connection besides passing frames on. */
export interface RelayLink {
  readonly direction: RelayDirection;
  /** The relayed connection's id (the client leg's trace connection id). */
  readonly conn: number;
  /** Frames and data messages that have entered this direction so far, this one included. */
  readonly frames: number;
  readonly messages: number;
  /** Milliseconds since the relay opened. */
  elapsed(): number;
  /** Close both legs with this code and reason (each leg's own closing handshake). */
  close(code: number, reason: string): void;
  /** Cut both legs' TCP connections at once: RST, no closing handshake. */
  reset(): void;
  /** Stop reading from the leg this direction comes from (TCP backpressure builds up), until resumed. */
  stopReading(): void;
  resumeReading(): void;
}

/**
 * One fault on one direction. `frame` is called for each frame in order, and the next frame
 * waits until its promise settles: a fault that sleeps delays everything behind it, keeping the
 * order. It passes the frame on with `forward` zero times (drop), once, or several times
 * (refragment), each call resolving when the next stage has taken it.
 */
export interface Fault {
  readonly name: string;
  /**
   * Called once when the relay opens, before any frame, with this direction's link: a fault
   * that acts after some seconds (close-after 2s) starts its clock here, as it may see no frame.
   */
  start?(link: RelayLink): void;
  frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>, link: RelayLink): Promise<void>;
  /** Called once when the relay has ended (both legs closed): timers are cleared, frames held are let go. */
  stop?(): void;
}
