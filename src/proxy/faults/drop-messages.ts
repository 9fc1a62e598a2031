/**
 * `--drop-messages P`: each data message is lost with probability P, whole — all its frames, so
 * the far peer sees no broken fragment sequence, only a message that never came. Control frames
 * (pings, pongs, Close) always pass: this is message loss, not a dead link.
 *
 * Under permessage-deflate the proxy asks the sender of a direction with this fault to compress
 * each message on its own (FaultPlan.dropsMessages): with a shared LZ77 window the far peer could
 * not inflate what follows a dropped message.
 *
 * A lost message is reported once it has ended (with its size), or, when the connection ends
 * in the middle of one, at that point: nothing is lost without being reported.
 */
import type { Fault, RelayedFrame, RelayLink } from '../fault.js';
import type { FaultNote } from './context.js';
import { endsMessage, isControl, kindOf, sizeText, startsMessage } from './message-frames.js';

export interface DropMessagesSpec {
  probability: number;
}

interface Dropping {
  opcode: number;
  bytes: number;
  frames: number;
  link: RelayLink;
}

export class DropMessagesFault implements Fault {
  readonly name = 'drop-messages';
  private dropping: Dropping | undefined;
  private dropped = 0;

  constructor(
    private readonly spec: DropMessagesSpec,
    private readonly random: () => number,
    private readonly report: (note: FaultNote) => void,
  ) {}

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>, link: RelayLink): Promise<void> {
    if (isControl(frame)) return forward(frame);
    if (startsMessage(frame)) {
      this.dropping = this.random() < this.spec.probability ? { opcode: frame.opcode, bytes: 0, frames: 0, link } : undefined;
    }
    const dropping = this.dropping;
    if (!dropping) return forward(frame);
    dropping.bytes += frame.payload.length;
    dropping.frames += 1;
    if (endsMessage(frame)) this.reportDrop(dropping, '');
  }

  stop(): void {
    if (this.dropping) this.reportDrop(this.dropping, ', its end never came');
  }

  private reportDrop(dropping: Dropping, note: string): void {
    this.dropping = undefined;
    this.dropped += 1;
    this.report({
      direction: dropping.link.direction,
      fault: this.name,
      what: `dropped a ${kindOf(dropping.opcode)} message (${sizeText(dropping.bytes, dropping.frames)}${note}; ${this.dropped} dropped so far)`,
    });
  }
}
