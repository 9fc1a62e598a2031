/**
 * `--reset-after N|S`: once N messages have been relayed, or S seconds after the relay opened,
 * both legs' TCP connections are reset (RST), with no closing handshake: each peer sees the
 * connection end abnormally, 1006 (RFC 6455 §7.1.5: "If _The WebSocket Connection is Closed_
 * and no Close control frame was received by the endpoint ... the WebSocket Connection Close
 * Code is considered to be 1006").
 */
import type { Fault } from '../fault.js';
import { type After, AfterFault, afterText, AfterTrigger } from './after.js';
import type { FaultClock, FaultNote } from './context.js';

export interface ResetAfterSpec {
  after: After;
}

/** The faults of one connection: call the function returned once per direction watched. */
export function resetAfter(spec: ResetAfterSpec, clock: FaultClock, report: (note: FaultNote) => void): () => Fault {
  const name = 'reset-after';
  const trigger = new AfterTrigger(spec.after, clock, (link) => {
    report({
      direction: link.direction,
      fault: name,
      what: `reset both legs (TCP RST, no closing handshake) ${afterText(spec.after)}`,
    });
    link.reset();
  });
  return () => new AfterFault(name, trigger, () => false);
}
