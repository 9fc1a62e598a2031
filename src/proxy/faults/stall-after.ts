/**
 * `--stall-after N|S`: once N messages have been relayed, or S seconds after the relay opened,
 * the proxy stops reading from the side each watched direction comes from (both by default,
 * `c2s:` the client only): its TCP window fills, the sender's writes back up (a browser's
 * `bufferedAmount` grows), and the far peer gets nothing more — no frame, no Close — while both
 * connections stay open. Frames the relay had already read are held, not passed on.
 */
import type { Fault, RelayDirection, RelayLink } from '../fault.js';
import { type After, AfterFault, afterText, AfterTrigger } from './after.js';
import { arrow, type FaultClock, type FaultNote } from './context.js';

export interface StallAfterSpec {
  after: After;
}

/** The faults of one connection: call the function returned once per direction watched. */
export function stallAfter(spec: StallAfterSpec, clock: FaultClock, report: (note: FaultNote) => void): () => Fault {
  const name = 'stall-after';
  const stalled = new Set<RelayDirection>();
  const stall = (link: RelayLink): void => {
    if (stalled.has(link.direction)) return;
    stalled.add(link.direction);
    link.stopReading();
    const from = link.direction === 'client-to-server' ? 'the client' : 'the server';
    report({
      direction: link.direction,
      fault: name,
      what: `stopped reading from ${from} ${afterText(spec.after)}: nothing more goes ${arrow(link.direction)}`,
    });
  };
  const trigger = new AfterTrigger(spec.after, clock, (_link, fired) => {
    for (const link of fired.links.values()) stall(link);
  });
  return () =>
    new AfterFault(name, trigger, (link) => {
      stall(link);
      return true;
    });
}
