/**
 * A relay without sockets for the faults' tests: a fake RelayLink that records what a fault asks
 * of the connection, a chain runner that passes frames through faults the way the relay does
 * (each frame after the one before it has settled), and a clock that only moves when told.
 */
import type { Fault, RelayDirection, RelayedFrame, RelayLink } from '../../../src/proxy/fault.js';
import type { FaultClock, FaultContext, FaultNote, FaultReport } from '../../../src/proxy/faults/context.js';

export class FakeClock implements FaultClock {
  time = 0;
  private timers: Array<{ at: number; seq: number; callback: () => void }> = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  /** Move time on by `ms`, running each timer at its time, with the promises it settles. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
    await settle();
  }
}

/** Let every promise that can settle now settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeLink implements RelayLink {
  readonly calls: string[] = [];
  frames = 0;
  messages = 0;

  constructor(
    readonly direction: RelayDirection,
    private readonly clock: FakeClock,
    readonly conn = 1,
  ) {}

  elapsed(): number {
    return this.clock.now();
  }
  close(code: number, reason: string): void {
    this.calls.push(`close ${code} ${reason}`);
  }
  reset(): void {
    this.calls.push('reset');
  }
  stopReading(): void {
    this.calls.push('stopReading');
  }
  resumeReading(): void {
    this.calls.push('resumeReading');
  }
}

export interface Delivered extends RelayedFrame {
  /** The fake clock's time when the frame left the chain. */
  at: number;
}

/** One direction of a relay: frames go through the faults in order and are collected at the end. */
export class FakeDirection {
  readonly out: Delivered[] = [];
  readonly link: FakeLink;

  constructor(
    private readonly faults: Fault[],
    readonly clock: FakeClock,
    direction: RelayDirection = 'client-to-server',
    link?: FakeLink,
  ) {
    this.link = link ?? new FakeLink(direction, clock);
  }

  start(): void {
    for (const fault of this.faults) fault.start?.(this.link);
  }

  stop(): void {
    for (const fault of this.faults) fault.stop?.();
  }

  /** One frame into the chain; resolves when the first fault has taken it. */
  push(frame: RelayedFrame): Promise<void> {
    this.link.frames += 1;
    if (frame.opcode === 1 || frame.opcode === 2) this.link.messages += 1;
    return this.through(0, frame);
  }

  /** Frames one after the other, as the relay reads them. */
  async feed(frames: RelayedFrame[]): Promise<void> {
    for (const frame of frames) await this.push(frame);
  }

  private through(index: number, frame: RelayedFrame): Promise<void> {
    const fault = this.faults[index];
    if (!fault) {
      this.out.push({ ...frame, at: this.clock.now() });
      return Promise.resolve();
    }
    return fault.frame(frame, (next) => this.through(index + 1, next), this.link);
  }
}

export function frame(opcode: number, payload: string | Buffer, fin = true, rsv1 = false): RelayedFrame {
  return { opcode, fin, rsv1, rsv2: false, rsv3: false, payload: typeof payload === 'string' ? Buffer.from(payload) : payload };
}

export const text = (payload: string | Buffer, fin = true) => frame(1, payload, fin);
export const binary = (payload: string | Buffer, fin = true) => frame(2, payload, fin);
export const continuation = (payload: string | Buffer, fin = true) => frame(0, payload, fin);
export const ping = (payload = '') => frame(9, payload);
export const close = (code = 1000) => {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return frame(8, payload);
};

/** Random numbers from a list, in order (then 0.5 forever): what a fault draws is the test's choice. */
export function randoms(...values: number[]): () => number {
  let i = 0;
  return () => values[i++] ?? 0.5;
}

/** A context whose reports are kept: those of a plan (with their connection) and those of a fault on its own. */
export function fakeContext(
  clock: FakeClock,
  random: () => number = randoms(),
): FaultContext & { reports: Array<FaultNote & Partial<FaultReport>>; report: (note: FaultNote) => void } {
  const reports: Array<FaultNote & Partial<FaultReport>> = [];
  return { clock, random, reports, report: (note: FaultNote) => reports.push(note) };
}

/** What came out, as `opcode:fin:payload` strings, for short assertions. */
export function shape(frames: RelayedFrame[]): string[] {
  return frames.map((f) => `${f.opcode}${f.fin ? '' : '…'}${f.rsv1 ? '*' : ''}:${f.payload.toString('latin1')}`);
}
