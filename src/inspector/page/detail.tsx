/** The selected message in full: text, JSON pretty-printed, binary as a hex dump, a Close decoded. */
import { bytesOf, clock, delta, hexDump, OPCODE_NAMES, prettyJson, size } from './format.js';
import type { RowEvent } from './model.js';

/** `other`: a second row shift-clicked, whose distance in time is shown (as Postman does). */
export function Detail({ row, other }: { row: RowEvent | undefined; other: RowEvent | undefined }) {
  if (!row) {
    return (
      <section class="detail" aria-label="Message detail">
        <p class="hint">Select a message (click, or ↑ ↓ in the table).</p>
      </section>
    );
  }
  const json = row.encoding === 'utf8' ? prettyJson(row.data) : undefined;
  return (
    <section class="detail" aria-label="Message detail">
      <h2>
        {row.dir === 'out' ? '↑ sent' : '↓ received'} {OPCODE_NAMES[row.opcode] ?? row.opcode}, {size(row.size)}, {clock(row.time)}
      </h2>
      {other && (
        <p class="between">
          {between(row, other)} between this message and the shift-clicked one ({clock(other.time)})
        </p>
      )}
      {row.event === 'close' && (
        <p class="close-info">
          Close {row.code} ({row.name}){row.reason ? `, reason "${row.reason}"` : ''}, {row.clean ? 'clean' : 'not clean'}
        </p>
      )}
      {row.encoding === 'base64' ? (
        <figure aria-label="Hex dump">
          <pre>{hexDump(bytesOf(row))}</pre>
        </figure>
      ) : json !== undefined ? (
        <figure aria-label="JSON">
          <pre>{json}</pre>
        </figure>
      ) : (
        <figure aria-label="Text">
          <pre>{row.data}</pre>
        </figure>
      )}
    </section>
  );
}

function between(a: RowEvent, b: RowEvent): string {
  return delta(Math.abs(b.time - a.time)).slice(1);
}
