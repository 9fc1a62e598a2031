/**
 * What close-after, reset-after and stall-after share: something done to the connection once N
 * messages have been passed on, or S seconds after the relay opened (with no traffic at all, too).
 *
 * One trigger per flag and connection, shared by the fault of each direction it watches: with
 * both directions (the default) the messages of both are counted together, so `--close-after 5`
 * acts on the fifth message relayed either way. A message is counted once its last frame has
 * been passed on, so the far peer has all N before the trigger acts.
 */
import type { Fault, RelayDirection, RelayedFrame, RelayLink } from '../fault.js';
import type { FaultClock } from './context.js';
import { endsMessage } from './message-frames.js';

export type After = { messages: number } | { ms: number };

export function afterText(after: After): string {
  if ('ms' in after) return after.ms % 1000 === 0 ? `after ${after.ms / 1000} s` : `after ${after.ms} ms`;
  return after.messages === 0 ? 'at once' : `after ${after.messages} message${after.messages === 1 ? '' : 's'}`;
}

/** What the trigger does, once: `link` is the direction whose message (or start) set it off. */
export type AfterAction = (link: RelayLink, trigger: AfterTrigger) => void;

export class AfterTrigger {
  /** The links of the directions seen so far (each fault's start, or its first frame). */
  readonly links = new Map<RelayDirection, RelayLink>();
  fired = false;
  private started = false;
  private count = 0;
  private cancelTimer: (() => void) | undefined;

  constructor(
    readonly after: After,
    private readonly clock: FaultClock,
    private readonly action: AfterAction,
  ) {}

  start(link: RelayLink): void {
    this.links.set(link.direction, link);
    if (this.started) return;
    this.started = true;
    if ('ms' in this.after) this.cancelTimer = this.clock.setTimer(Math.max(0, this.after.ms - link.elapsed()), () => this.fire(link));
    else if (this.after.messages === 0) this.fire(link);
  }

  /** A whole message went through on `link`. */
  counted(link: RelayLink): void {
    if ('messages' in this.after && ++this.count >= this.after.messages) this.fire(link);
  }

  stop(): void {
    this.cancelTimer?.();
  }

  private fire(link: RelayLink): void {
    if (this.fired) return;
    this.fired = true;
    this.cancelTimer?.();
    this.action(link, this);
  }
}

/**
 * One direction's part of a trigger. With `holdWhenFired` (stall), frames that come after the
 * trigger acted are held, never passed on: the relay may already have read them when it stopped
 * reading, and the far peer must get nothing more.
 */
export class AfterFault implements Fault {
  private release: (() => void) | undefined;
  private readonly released: Promise<void> = new Promise((resolve) => (this.release = resolve));
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly trigger: AfterTrigger,
    private readonly holdWhenFired: (link: RelayLink) => boolean,
  ) {}

  start(link: RelayLink): void {
    this.trigger.start(link);
  }

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>, link: RelayLink): Promise<void> {
    if (!this.trigger.links.has(link.direction)) this.trigger.start(link);
    if (this.trigger.fired && this.holdWhenFired(link)) return this.released;
    await forward(frame);
    if (endsMessage(frame)) this.trigger.counted(link);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.trigger.stop();
    this.release?.();
  }
}
