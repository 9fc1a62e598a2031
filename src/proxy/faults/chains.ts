/**
 * From the parsed fault flags to the two chains of one relayed connection. Faults keep state per
 * connection (a message half dropped, a count of messages, a timer), so each connection gets new
 * ones: the relay asks the plan for the next connection's chains, once per connection, in the
 * order it accepts them, which is what `@2` counts.
 *
 * A chain's order is fixed, whatever order the flags were given in, from the leg a frame comes
 * from to the leg it goes to: drop-messages (a dropped message is not corrupted, cut or delayed),
 * corrupt, refragment, throttle (the new frames are what the slow link carries), delay, then the
 * -after faults, so that "after N messages" counts what the far peer got.
 */
import type { Fault, RelayDirection } from '../fault.js';
import { closeAfter, DEFAULT_CLOSE_CODE } from './close-after.js';
import type { FaultContext, FaultNote } from './context.js';
import { CorruptFault } from './corrupt.js';
import { DelayFault } from './delay.js';
import { DropMessagesFault } from './drop-messages.js';
import { type FaultKind, type FaultSpec, selects } from './parse.js';
import { RefragmentFault } from './refragment.js';
import { resetAfter } from './reset-after.js';
import { stallAfter } from './stall-after.js';
import { ThrottleFault } from './throttle.js';

export interface FaultSettings {
  faults: FaultSpec[];
  /** The code and reason close-after closes both legs with. */
  closeCode: number;
  closeReason: string;
}

export const NO_FAULTS: FaultSettings = { faults: [], closeCode: DEFAULT_CLOSE_CODE, closeReason: '' };

export interface FaultChains {
  clientToServer: Fault[];
  serverToClient: Fault[];
}

const ORDER: readonly FaultKind[] = ['drop-messages', 'corrupt', 'refragment', 'throttle', 'delay', 'close-after', 'reset-after', 'stall-after'];

export class FaultPlan {
  private connections = 0;
  private readonly ordered: FaultSpec[];

  constructor(
    private readonly settings: FaultSettings,
    private readonly context: FaultContext,
  ) {
    this.ordered = ORDER.flatMap((kind) => settings.faults.filter((spec) => spec.kind === kind));
  }

  get empty(): boolean {
    return this.ordered.length === 0;
  }

  /**
   * The directions where messages may be dropped. Under permessage-deflate their sender must
   * compress each message on its own (no context takeover, RFC 7692 §7.1.1): with a shared LZ77
   * window the far peer's inflater would need the dropped message to read the next one (ws:
   * "invalid distance too far back", 1007). Asked of every connection, whichever ones the flags
   * pick: the deflate parameters are agreed before the connection's chains are made.
   */
  get dropsMessages(): { clientToServer: boolean; serverToClient: boolean } {
    const drops = (direction: RelayDirection) => this.ordered.some((spec) => spec.kind === 'drop-messages' && spec.directions.includes(direction));
    return { clientToServer: drops('client-to-server'), serverToClient: drops('server-to-client') };
  }

  /** The chains of the next connection the relay accepted. */
  next(): FaultChains {
    const connection = ++this.connections;
    const report = (note: FaultNote) => this.context.report({ connection, ...note });
    const chains: FaultChains = { clientToServer: [], serverToClient: [] };
    for (const spec of this.ordered) {
      if (!selects(spec.connections, connection, this.context.random)) continue;
      const make = this.factory(spec, report);
      for (const direction of spec.directions) chainOf(chains, direction).push(make());
    }
    return chains;
  }

  /** New faults for one connection; the -after ones share one trigger between their directions. */
  private factory(spec: FaultSpec, report: (note: FaultNote) => void): () => Fault {
    const { clock, random } = this.context;
    switch (spec.kind) {
      case 'delay':
        return () => new DelayFault(spec.delay, clock, random);
      case 'throttle':
        return () => new ThrottleFault(spec.throttle, clock);
      case 'refragment':
        return () => new RefragmentFault(spec.refragment);
      case 'drop-messages':
        return () => new DropMessagesFault(spec.drop, random, report);
      case 'corrupt':
        return () => new CorruptFault(spec.corrupt, random, report);
      case 'close-after':
        return closeAfter({ after: spec.after, code: this.settings.closeCode, reason: this.settings.closeReason }, clock, report);
      case 'reset-after':
        return resetAfter({ after: spec.after }, clock, report);
      case 'stall-after':
        return stallAfter({ after: spec.after }, clock, report);
    }
  }
}

function chainOf(chains: FaultChains, direction: RelayDirection): Fault[] {
  return direction === 'client-to-server' ? chains.clientToServer : chains.serverToClient;
}
