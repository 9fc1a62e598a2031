/**
 * The selected message in full, in the view the user picks: Text, JSON (a tree, when the text is
 * JSON), Hex (a dump with offsets and ASCII) or Base64; a Close decoded. Each message opens in
 * the view that suits it (JSON, Hex for binary, else Text) unless the user chose another for
 * messages of its kind: going through binary messages in Base64 keeps Base64 for the binary ones.
 */
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { describeCloseCode } from '../../protocol/close-codes.js';
import type { GraphqlMessageSummary } from '../../graphql/describe.js';
import { base64Of, bytesOf, clock, delta, graphqlLine, hexDump, OPCODE_NAMES, parseJson, size, textOf } from './format.js';
import { JsonTree } from './json-tree.js';
import type { Connection, RowEvent } from './model.js';

type View = 'Text' | 'JSON' | 'Hex' | 'Base64';

/** A hex dump of a big message shows its start: 64 kB is 4 096 lines already. */
const HEX_LIMIT = 64 * 1024;

interface DetailProps {
  row: RowEvent | undefined;
  /** A second row shift-clicked, whose distance in time is shown (as Postman does). */
  other: RowEvent | undefined;
  /** The row read as a GraphQL message, with its connection (whose subscribe named the operation). */
  graphql: { summary: GraphqlMessageSummary; connection: Connection } | undefined;
}

export function Detail({ row, other, graphql }: DetailProps) {
  // The view chosen, by the view a message would open in: its kind.
  const [chosen, setChosen] = useState<Partial<Record<View, View>>>({});
  const decoded = useMemo(() => row && decode(row), [row]);
  if (!row || !decoded) {
    return (
      <section class="detail" aria-label="Message detail">
        <p class="hint">Select a message (click, or ↑ ↓ in the table).</p>
      </section>
    );
  }
  const views: View[] = decoded.json ? ['Text', 'JSON', 'Hex', 'Base64'] : ['Text', 'Hex', 'Base64'];
  const kind: View = decoded.json ? 'JSON' : row.encoding === 'base64' ? 'Hex' : 'Text';
  const view = chosen[kind] ?? kind;
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
      {graphql && (
        <p class="graphql" role="note" aria-label="GraphQL message">
          {graphql.connection.handshake?.protocol}:{' '}
          {graphqlLine(graphql.summary, graphql.summary.id === undefined ? undefined : graphql.connection.operations.get(graphql.summary.id))}
        </p>
      )}
      {row.event === 'close' && <CloseFrame row={row} />}
      <div role="tablist" aria-label="View" class="views">
        {views.map((name) => (
          <button type="button" role="tab" key={name} aria-selected={name === view} onClick={() => setChosen({ ...chosen, [kind]: name })}>
            {name}
          </button>
        ))}
      </div>
      {view === 'JSON' && decoded.json ? (
        <figure role="tabpanel" aria-label="JSON">
          <JsonTree key={decoded.id} value={decoded.json.value} label="JSON tree" />
        </figure>
      ) : view === 'Hex' ? (
        <figure role="tabpanel" aria-label="Hex dump">
          <pre>{hexDump(decoded.bytes, HEX_LIMIT)}</pre>
          {decoded.bytes.length > HEX_LIMIT && (
            <p class="hint">
              The first {size(HEX_LIMIT)} of {size(decoded.bytes.length)}.
            </p>
          )}
        </figure>
      ) : view === 'Base64' ? (
        <figure role="tabpanel" aria-label="Base64">
          <pre>{base64Of(decoded.bytes)}</pre>
        </figure>
      ) : (
        <figure role="tabpanel" aria-label="Text">
          <pre>{decoded.text}</pre>
        </figure>
      )}
    </section>
  );
}

/** Each message decoded gets a number: a new message gets a new tree (its nodes open as a new tree's do). */
let decodedCount = 0;

function decode(row: RowEvent): { id: number; bytes: Uint8Array; text: string; json: { value: unknown } | undefined } {
  const bytes = bytesOf(row);
  const text = row.encoding === 'utf8' ? row.data : textOf(bytes);
  return { id: ++decodedCount, bytes, text, json: parseJson(text) };
}

/** RFC 6455 §7.1.5, §7.4: the code each side's Close frame carried, what the registry says it means, and who sent first. */
function CloseFrame({ row }: { row: Extract<RowEvent, { event: 'close' }> }) {
  const info = describeCloseCode(row.code);
  const frames: Array<[string, { time: number; code: number; reason: string }]> = [];
  if (row.sent) frames.push(['Our Close frame', row.sent]);
  if (row.received) frames.push(["The peer's Close frame", row.received]);
  frames.sort((a, b) => a[1].time - b[1].time);
  return (
    <dl class="close-info" aria-label="Close frame">
      <dt>Code</dt>
      <dd>
        {row.code} {info.name}: {info.meaning}
      </dd>
      <dt>Reason</dt>
      <dd>{row.reason === '' ? '(none)' : row.reason}</dd>
      <dt>Closed by</dt>
      <dd>
        {row.dir === 'out' ? 'us' : 'the peer'}, {row.clean ? 'clean (both Close frames exchanged)' : 'not clean'}
      </dd>
      {frames.map(([who, frame]) => (
        <Fragment key={who}>
          <dt>{who}</dt>
          <dd>
            {frame.code} {describeCloseCode(frame.code).name}
            {frame.reason ? ` "${frame.reason}"` : ''} at {clock(frame.time)}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

function between(a: RowEvent, b: RowEvent): string {
  return delta(Math.abs(b.time - a.time)).slice(1);
}
