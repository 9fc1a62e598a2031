/**
 * The trace of a run: every event published on `wscope:trace` while it runs, so each scenario's
 * report (JUnit's system-out, JSON, a recording) can hold its own connections' events.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { TRACE_CHANNEL, type TraceEvent } from '../index.js';

export class TraceCollector {
  private readonly byConn = new Map<number, TraceEvent[]>();
  private readonly listener = (event: unknown) => {
    const traced = event as TraceEvent;
    let list = this.byConn.get(traced.conn);
    if (!list) this.byConn.set(traced.conn, (list = []));
    list.push(traced);
  };

  start(): void {
    subscribe(TRACE_CHANNEL, this.listener);
  }

  stop(): void {
    unsubscribe(TRACE_CHANNEL, this.listener);
  }

  /** The events of these connections, in time order, handed over (the collector forgets them). */
  take(conns: Iterable<number>): TraceEvent[] {
    const events: TraceEvent[] = [];
    for (const conn of conns) {
      events.push(...(this.byConn.get(conn) ?? []));
      this.byConn.delete(conn);
    }
    return events.sort((a, b) => a.time - b.time);
  }
}
