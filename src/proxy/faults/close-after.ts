/**
 * `--close-after N|S`: once N messages have been relayed, or S seconds after the relay opened,
 * both legs are closed with `--close-code` (1001 Going Away by default, what RFC 6455 §7.4.1
 * gives "a server going down") and `--close-reason`, each leg with its own closing handshake:
 * both peers see the code.
 */
import type { Fault } from '../fault.js';
import { type After, AfterFault, afterText, AfterTrigger } from './after.js';
import type { FaultClock, FaultNote } from './context.js';

export interface CloseAfterSpec {
  after: After;
  code: number;
  reason: string;
}

export const DEFAULT_CLOSE_CODE = 1001;

/** The faults of one connection: call the function returned once per direction watched. */
export function closeAfter(spec: CloseAfterSpec, clock: FaultClock, report: (note: FaultNote) => void): () => Fault {
  const name = 'close-after';
  const trigger = new AfterTrigger(spec.after, clock, (link) => {
    report({ direction: link.direction, fault: name, what: `closed both legs with ${spec.code} ${afterText(spec.after)}` });
    link.close(spec.code, spec.reason);
  });
  return () => new AfterFault(name, trigger, () => false);
}
