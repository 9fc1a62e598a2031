/** The connections list and the selected connection's handshake. */
import { describeCloseCode } from '../../protocol/close-codes.js';
import { clock } from './format.js';
import { GrpcCallPane } from './grpc-call.js';
import { grpcCallName, grpcCallState } from './grpc-calls.js';
import type { Connection } from './model.js';

export function ConnectionList({
  connections,
  selected,
  onSelect,
}: {
  connections: readonly Connection[];
  selected: number | undefined;
  onSelect: (conn: number | undefined) => void;
}) {
  return (
    <nav class="connections" aria-label="Connections">
      <button type="button" aria-pressed={selected === undefined} onClick={() => onSelect(undefined)}>
        All connections ({connections.length})
      </button>
      {connections.map((c) => (
        <button type="button" key={c.conn} aria-pressed={selected === c.conn} onClick={() => onSelect(c.conn)}>
          <span class="url">{c.grpc ? grpcCallName(c.grpc, c.conn) : c.url || `connection ${c.conn}`}</span>
          {c.grpc ? null : <span class="opener">{openerOf(c)}</span>}
          <span class="state">{c.grpc ? grpcCallState(c.grpc) : stateOf(c)}</span>
          <span class="counts">
            ↑{c.sent} ↓{c.received}
          </span>
        </button>
      ))}
    </nav>
  );
}

/**
 * Who opened it, from the side wscope traced it on: as client wscope connected out (connect, run,
 * a proxy's leg to its target); as server a peer connected in (listen, mock, a proxy's client leg).
 */
function openerOf(c: Connection): string {
  if (!c.handshake) return '';
  return c.handshake.role === 'client' ? 'opened by wscope' : 'opened by the peer';
}

function stateOf(c: Connection): string {
  if (c.close) {
    const who = c.close.dir === 'out' ? 'we closed' : 'peer closed';
    return `closed ${c.close.code} ${describeCloseCode(c.close.code, c.handshake?.protocol).name}, ${who}`;
  }
  if (c.handshake && c.handshake.status !== 101) return `refused ${c.handshake.status}`;
  if (c.errors.length > 0) return `failed: ${c.errors[0]!.code}`;
  return c.handshake ? 'open' : 'connecting';
}

export function Handshake({ connection }: { connection: Connection | undefined }) {
  if (connection?.grpc) return <GrpcCallPane call={connection.grpc} />;
  const h = connection?.handshake;
  if (!connection || !h) return null;
  return (
    <section class="handshake" aria-label="Handshake">
      <h2>
        {h.role === 'client' ? 'We connected to' : 'A client connected to'} {h.url}
      </h2>
      <p>
        {h.method} {h.target} → {h.status} {h.statusText} at {clock(h.start)}, waited {h.timings.wait.toFixed(1)} ms
        {h.protocol ? `, subprotocol ${h.protocol}` : ', no subprotocol'}
        {h.extensions ? `, extensions ${h.extensions}` : ''}
      </p>
      {connection.close && (
        <p>
          Close code {connection.close.code}: {describeCloseCode(connection.close.code, h.protocol).name},{' '}
          {connection.close.dir === 'out' ? 'closed by us' : 'closed by the peer'}
          {connection.close.reason ? `, reason "${connection.close.reason}"` : ''}
        </p>
      )}
      {connection.errors.map((e) => (
        <p class="error" key={e.time}>
          {e.code}: {e.message}
        </p>
      ))}
      <div class="headers">
        <Headers title="Request headers" pairs={h.requestHeaders} />
        <Headers title="Response headers" pairs={h.responseHeaders} />
      </div>
    </section>
  );
}

export function Headers({ title, pairs }: { title: string; pairs: ReadonlyArray<[string, string]> }) {
  return (
    <table aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {pairs.map(([name, value], i) => (
          <tr key={i}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
