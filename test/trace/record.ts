import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { TRACE_CHANNEL, type TraceEvent } from '../../src/index.js';

/** Every trace event published while subscribed, in order; `stop()` unsubscribes. */
export function recordTrace(): { events: TraceEvent[]; of(conn: number): TraceEvent[]; stop(): void } {
  const events: TraceEvent[] = [];
  const listener = (event: unknown) => events.push(event as TraceEvent);
  subscribe(TRACE_CHANNEL, listener);
  return {
    events,
    of: (conn) => events.filter((event) => event.conn === conn),
    stop: () => unsubscribe(TRACE_CHANNEL, listener),
  };
}

/** The connection ids of the handshakes of `role`, in order. */
export function connsOf(events: TraceEvent[], role: 'client' | 'server'): number[] {
  return events.flatMap((event) => (event.event === 'handshake' && event.role === role ? [event.conn] : []));
}

/** The parts of an event a test compares exactly (time, timings and addresses vary from run to run). */
export function shape(event: TraceEvent): Record<string, unknown> {
  const { time: _time, ...rest } = event as TraceEvent & Record<string, unknown>;
  if (event.event === 'handshake') return { event: 'handshake', dir: event.dir, role: event.role, status: event.status };
  if (event.event === 'close') {
    const { sent: _sent, received: _received, ...close } = rest as Record<string, unknown>;
    return close;
  }
  return rest;
}
