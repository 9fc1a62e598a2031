/** The selected gRPC call: who called what, its status, its metadata and trailers. */
import type { GrpcCall } from './grpc-calls.js';
import { clock } from './format.js';
import { Headers } from './connections.js';

export function GrpcCallPane({ call }: { call: GrpcCall }) {
  const { start, end } = call;
  return (
    <section class="handshake" aria-label="gRPC call">
      <h2>
        {start?.role === 'server' ? 'A client called' : 'We called'} {start?.method ?? 'a method'}
        {start?.peer ? (start.role === 'server' ? ` from ${start.peer}` : ` on ${start.peer}`) : ''}
      </h2>
      <p>
        {start ? `${start.kind} call at ${clock(start.time)}` : 'its start is not in the trace'}
        {end ? `, status ${end.code} ${end.name}${end.message ? `: ${end.message}` : ''}` : ', not ended'}
      </p>
      <div class="headers">
        <Headers title="Metadata" pairs={start?.metadata ?? []} />
        <Headers title="Trailers" pairs={end?.trailers ?? []} />
      </div>
    </section>
  );
}
