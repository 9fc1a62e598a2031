/**
 * Source ports we choose ourselves for connections bound to a source address (`localAddress`).
 *
 * Bound with port 0, a socket makes the kernel search for a free port: Linux walks its table of
 * bound ports from a random point, and every port held by another socket bound to the address,
 * open or in TIME_WAIT, is one more step (`wscope load` opened 19 000 connections from two
 * addresses at 277 a second, 1.8 ms of CPU each; 10 000 at 103 a second with a previous run's
 * left in TIME_WAIT). Walking the ephemeral range ourselves, one port after the other, the next
 * port is almost always free, so a bind is one lookup (1245 a second, 0.4 ms each; 1553 with
 * TIME_WAIT); a port someone else holds is skipped (see `isPortTaken`).
 */
import { readFileSync } from 'node:fs';

export interface PortRange {
  /** The first port, inclusive. */
  from: number;
  /** The last port, inclusive. */
  to: number;
}

/**
 * The ports the kernel hands out for outgoing connections: Linux's ip_local_port_range
 * (32768-60999 unless changed), else the IANA dynamic range (RFC 6335 §6: 49152-65535), which
 * BSDs and macOS use.
 */
export function ephemeralPortRange(read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): PortRange {
  try {
    const [from, to] = read().trim().split(/\s+/).map(Number);
    if (from !== undefined && to !== undefined && Number.isInteger(from) && Number.isInteger(to) && from >= 1 && from <= to && to <= 65_535)
      return { from, to };
  } catch {
    // Not Linux, or /proc not mounted.
  }
  return { from: 49_152, to: 65_535 };
}

/** After this many ports in a row turned out taken, the walk jumps elsewhere in the range. */
const TAKEN_BEFORE_JUMP = 8;

/** A cursor per source address over one range; each address has every port of the range. */
export class LocalPorts {
  private readonly cursors = new Map<string, number>();

  constructor(
    readonly range: PortRange,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The port to bind from `address` next. `taken` is how many ports this connection has already
   * found taken: the walk goes on to the next port, and after a run of taken ones (another
   * process's or thread's walk, or a listener) it jumps to a random point of the range.
   */
  next(address: string, taken = 0): number {
    const { from, to } = this.range;
    const size = to - from + 1;
    let cursor = this.cursors.get(address);
    // A random start: two processes (or worker threads) binding the same address start apart.
    if (cursor === undefined || (taken > 0 && taken % TAKEN_BEFORE_JUMP === 0)) cursor = Math.floor(this.random() * size);
    this.cursors.set(address, (cursor + 1) % size);
    return from + cursor;
  }
}

let shared: LocalPorts | undefined;

/** The process's (this thread's) walk over the ephemeral range, made on first use. */
export function localPorts(): LocalPorts {
  return (shared ??= new LocalPorts(ephemeralPortRange()));
}

/**
 * The port was not free from this address: bind's EADDRINUSE (a listener, or a socket bound
 * without SO_REUSEADDR, holds it), or connect's EADDRNOTAVAIL (the same source and destination
 * are in use by another connection: libuv binds with SO_REUSEADDR, so the bind itself passed).
 * A bind's EADDRNOTAVAIL means the address is not this host's: no port would do.
 */
export function isPortTaken(error: unknown): boolean {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return code === 'EADDRINUSE' || (code === 'EADDRNOTAVAIL' && syscall === 'connect');
}
