/**
 * A CONNECT tunnel wscope cannot see into (TLS without --mitm, or a protocol that is not HTTP):
 * bytes copied both ways untouched, each end's half-close passed to the other, and the bytes
 * counted for the notice when both sides are gone.
 */
import type { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardNotice } from './notices.js';
import type { Origin } from './origin.js';

export function blindTunnel(client: Duplex, origin: Pick<Origin, 'host' | 'port'>, tls: boolean, notify: (notice: ForwardNotice) => void): Duplex {
  const started = Date.now();
  let sent = 0;
  let received = 0;
  const upstream = connect({ host: origin.host, port: origin.port });
  client.on('data', (chunk: Buffer) => (sent += chunk.length));
  upstream.on('data', (chunk: Buffer) => (received += chunk.length));
  // pipe() ends the other side when one side ends: a half-close crosses the tunnel (RFC 9110
  // §9.3.6: the tunnel closes "when a tunnel intermediary detects that either side has closed
  // its connection", after sending what it still holds).
  client.pipe(upstream);
  upstream.pipe(client);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  let open = 2;
  const closed = (other: Duplex): void => {
    open -= 1;
    // One side gone for good: pipe() has let go of the other, which may be paused with its
    // peer's FIN unread behind the last bytes. Read on (there is nowhere left to send them) so
    // its end comes, and end our side of it.
    other.resume();
    if (!other.writableEnded) other.end();
    if (open === 0) notify({ kind: 'tunnel', host: origin.host, port: origin.port, tls, sent, received, ms: Date.now() - started });
  };
  client.once('close', () => closed(upstream));
  upstream.once('close', () => closed(client));
  return upstream;
}
