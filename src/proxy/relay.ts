/**
 * The relay: two WebSockets, the client leg (our server's side of the client's connection) and
 * the upstream leg (our client to the target), joined frame for frame.
 *
 * What "one for one" means here:
 * - every data frame goes on as it came: opcode, FIN, RSV bits and payload, so a message keeps
 *   its fragments, their boundaries and, when compressed, its compressed bytes (each leg
 *   negotiates permessage-deflate itself, within bounds that make this valid: deflate-agreement.ts);
 * - pings and pongs go on with their payloads; both legs run with `autoPong: false`, so a ping is
 *   answered by the far end, never by us (RFC 6455 §5.5.2 is the ends' business);
 * - a Close goes on with its code and reason (an empty one as an empty one: the far end sees
 *   1005). The leg that received it answers its own peer at once, as RFC 6455 §5.5.1 asks of it,
 *   echoing the code; the far end's own answer ends the other leg's handshake;
 * - a leg that ends without a Close frame: TCP closed or reset (1006) → the other leg is cut too
 *   (no Close: its peer sees 1006 as well); the leg failed because its peer broke the protocol
 *   (1002, 1007, 1009) → the other leg is closed with that code and why. 1005 and 1006 are never
 *   sent: they are what an end concludes from the absence of a code, not codes on the wire.
 * Frames of each direction pass through that direction's chain of faults first (fault.ts).
 */
import type { WebSocket } from '../index.js';
import { traceConnectionId } from '../index.js';
import type { Fault } from './fault.js';
import { RelayStream } from './relay-direction.js';

export interface RelayOptions {
  /** Faults on what the client sends, in order (default none). */
  clientToServer?: readonly Fault[];
  /** Faults on what the server sends. */
  serverToClient?: readonly Fault[];
  /** Faults made anew for each relayed connection (a fault keeps state per connection), after the lists above. */
  faults?: () => { clientToServer: readonly Fault[]; serverToClient: readonly Fault[] };
  /** Bytes one direction may hold (queued, or in the far leg's socket buffer) before it stops reading (default 1 MiB). */
  highWaterMark?: number;
}

/** Who ended the relayed connection first. */
export type Closer = 'client' | 'server' | 'proxy';

export interface RelayOutcome {
  closedBy: Closer;
  client: { code: number; reason: string };
  upstream: { code: number; reason: string };
}

export interface Relay {
  /** The relayed connection's id: the client leg's trace connection id (0 when nothing traces). */
  readonly conn: number;
  readonly upstreamConn: number;
  readonly client: WebSocket;
  readonly upstream: WebSocket;
  /** Resolves once both legs have closed. */
  readonly closed: Promise<RelayOutcome>;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Join two open legs. Call it before either has delivered a frame (in the upstream's 'open', and
 * the server's 'connection'): what a peer sends right after its handshake is relayed too.
 */
export function relay(client: WebSocket, upstream: WebSocket, options: RelayOptions = {}): Relay {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const conn = traceConnectionId(client) ?? 0;
  let closedBy: Closer | undefined;
  const link = {
    conn,
    opened: performance.now(),
    close(code: number, reason: string) {
      closedBy ??= 'proxy';
      for (const leg of [client, upstream]) closeLeg(leg, code, reason);
    },
    reset() {
      closedBy ??= 'proxy';
      client.terminate({ reset: true });
      upstream.terminate({ reset: true });
    },
  };
  const chains = options.faults?.();
  const clientToServer = [...(options.clientToServer ?? []), ...(chains?.clientToServer ?? [])];
  const serverToClient = [...(options.serverToClient ?? []), ...(chains?.serverToClient ?? [])];
  const toServer = new RelayStream('client-to-server', client, upstream, true, clientToServer, highWaterMark, link);
  const toClient = new RelayStream('server-to-client', upstream, client, false, serverToClient, highWaterMark, link);
  const ended = (leg: WebSocket, stream: RelayStream, other: WebSocket, closer: Closer) =>
    new Promise<{ code: number; reason: string }>((resolve) => {
      leg.on('frame', (frame: { direction: string; opcode: number }) => {
        if (frame.direction === 'in' && frame.opcode === 0x8) closedBy ??= closer;
      });
      leg.once('close', (code: number, reason: string) => {
        closedBy ??= closer;
        resolve({ code, reason });
        stream.finish(() => {
          if (!stream.sawClose) endLeg(other, code, reason);
        });
      });
    });
  const closed = Promise.all([ended(client, toServer, upstream, 'client'), ended(upstream, toClient, client, 'server')]).then(([clientEnd, upstreamEnd]) => ({
    closedBy: closedBy ?? 'proxy',
    client: clientEnd,
    upstream: upstreamEnd,
  }));
  // Faults that act after a time start their clocks now; they let go of what they hold once both legs have closed (fault.ts).
  for (const fault of clientToServer) fault.start?.(toServer.link);
  for (const fault of serverToClient) fault.start?.(toClient.link);
  void closed.then(() => {
    for (const fault of [...clientToServer, ...serverToClient]) fault.stop?.();
  });
  // Both legs were paused until now (see proxyUpgrade): nothing was read before the listeners were on.
  client.resume();
  upstream.resume();
  return { conn, upstreamConn: traceConnectionId(upstream) ?? 0, client, upstream, closed };
}

/** The other leg ended without a Close frame: pass on how (see the top of this file). */
function endLeg(leg: WebSocket, code: number, reason: string): void {
  if (leg.readyState === leg.CLOSED) return;
  if (code === 1006) leg.terminate();
  else closeLeg(leg, code, reason);
}

function closeLeg(leg: WebSocket, code: number, reason: string): void {
  try {
    leg.close(code, reason);
  } catch {
    // A code or reason that cannot be sent: the leg is cut instead.
    leg.terminate();
  }
}
