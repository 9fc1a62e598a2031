/**
 * Round-trip times from pings: each ping we send is remembered by its payload, so the pong that
 * answers it gives its RTT ('rtt' and the second argument of 'pong'). RFC 6455 §5.5.3 lets a
 * peer answer only the latest of several pings, so only the latest few are kept.
 */
import { Buffer } from 'node:buffer';
const MAX_TRACKED_PINGS = 16;

export class RoundTrips {
  /** performance.now() when each ping left, by payload (latin1, so any bytes make a key). */
  private readonly sentAt = new Map<string, number>();

  pingSent(data: string | Buffer): void {
    const sentAt = this.sentAt;
    sentAt.set(Buffer.from(data).toString('latin1'), performance.now());
    if (sentAt.size > MAX_TRACKED_PINGS) sentAt.delete(sentAt.keys().next().value!);
  }

  /** The RTT of the ping this pong answers, in ms; undefined when it answers none of ours. */
  pongReceived(data: Buffer): number | undefined {
    const key = data.toString('latin1');
    const sentAt = this.sentAt.get(key);
    if (sentAt === undefined) return undefined;
    this.sentAt.delete(key);
    return performance.now() - sentAt;
  }
}
