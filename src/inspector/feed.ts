/**
 * What the page is sent: trace events, in batches. Events arriving at 10 000 a second are
 * gathered for BATCH_MS and go out as one WebSocket message, so the page redraws a few dozen
 * times a second whatever the rate. A page that joins late gets the history first, in chunks.
 */
import type { AnyTraceEvent } from '../index.js';
import type { InspectorMessage } from './wire.js';

export const BATCH_MS = 50;
/** Events per message when sending the history: big enough to be quick, small enough to parse without a stall. */
export const HISTORY_CHUNK = 5000;

export interface FeedTarget {
  send(text: string): void;
}

export class Feed {
  private readonly history: AnyTraceEvent[] = [];
  private pending: AnyTraceEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly targets = new Set<FeedTarget>();

  add(event: AnyTraceEvent): void {
    this.history.push(event);
    if (this.targets.size === 0) return;
    this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Everything so far, in order. */
  events(): readonly AnyTraceEvent[] {
    return this.history;
  }

  /** A new page: everything so far, then the live batches. */
  join(target: FeedTarget): void {
    this.flush();
    for (let i = 0; i < this.history.length; i += HISTORY_CHUNK) target.send(encode({ type: 'events', events: this.history.slice(i, i + HISTORY_CHUNK) }));
    this.targets.add(target);
  }

  leave(target: FeedTarget): void {
    this.targets.delete(target);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const text = encode({ type: 'events', events: this.pending });
    this.pending = [];
    for (const target of this.targets) target.send(text);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export function encode(message: InspectorMessage): string {
  return JSON.stringify(message);
}
