/**
 * The message table, virtualised: a grid whose rows are fixed-height and only those in view (and
 * a few either side) are in the DOM, so 100 000 messages scroll as smoothly as 100. Absolutely
 * placed rows cannot be <tr>s, so the grid is ARIA roles on divs (WAI-ARIA grid pattern): the grid
 * is the one focusable element and owns the keys, which is why biome.json turns off the a11y rules
 * that want each row semantic and focusable, for this file only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock, delta, OPCODE_NAMES, preview, size } from './format.js';
import type { GraphqlMessageSummary } from '../../graphql/describe.js';
import type { RowEvent } from './model.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 10;

interface TableProps {
  rows: readonly RowEvent[];
  /** Indexes into `rows` of what the filter lets through, in order. */
  visible: readonly number[];
  selected: number | undefined;
  /** A second row, shift-clicked, to measure the time between the two. */
  marked: number | undefined;
  /** `second`: shift-click, marking a row besides the selected one. */
  onSelect: (index: number, second: boolean) => void;
  /** Keep the last row in view as rows arrive (until the user scrolls up). */
  follow: boolean;
  /** A row read as a message of its connection's GraphQL subprotocol (Store.graphqlOf): its preview decoded. */
  graphqlOf: (row: RowEvent) => GraphqlMessageSummary | undefined;
}

export function MessageTable({ rows, visible, selected, marked, onSelect, follow, graphqlOf }: TableProps) {
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useEffect(() => {
    const element = body.current!;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = body.current!;
    if (follow && selected === undefined) element.scrollTop = element.scrollHeight;
  }, [visible.length, follow, selected]);

  const position = selected === undefined ? -1 : visible.indexOf(selected);
  useEffect(() => {
    if (position < 0) return;
    const element = body.current!;
    const top = position * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [position]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const shown = [];
  for (let i = first; i < last; i++) {
    const index = visible[i]!;
    const row = rows[index]!;
    const previous = i > 0 ? rows[visible[i - 1]!] : undefined;
    shown.push(
      <div
        role="row"
        key={index}
        aria-rowindex={i + 2}
        aria-selected={index === selected}
        class={`row ${row.dir} ${row.event}${index === selected ? ' selected' : ''}${index === marked ? ' marked' : ''}`}
        style={{ top: `${i * ROW_HEIGHT}px` }}
        onClick={(event) => onSelect(index, event.shiftKey)}
      >
        <span role="gridcell" class="dir" title={row.dir === 'out' ? 'sent' : 'received'}>
          {row.dir === 'out' ? '↑' : '↓'}
        </span>
        <span role="gridcell" class="time">
          {clock(row.time)}
        </span>
        <span role="gridcell" class="delta">
          {previous ? delta(row.time - previous.time) : ''}
        </span>
        <span role="gridcell" class="size">
          {size(row.size)}
          {row.event === 'message' && row.wireSize !== undefined ? ` (${size(row.wireSize)} wire)` : ''}
        </span>
        <span role="gridcell" class="opcode">
          {OPCODE_NAMES[row.opcode] ?? row.opcode}
        </span>
        <span role="gridcell" class="preview">
          {preview(row, graphqlOf(row))}
        </span>
      </div>,
    );
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (visible.length === 0) return;
    const next = position < 0 ? (event.key === 'ArrowDown' ? 0 : visible.length - 1) : position + (event.key === 'ArrowDown' ? 1 : -1);
    onSelect(visible[Math.max(0, Math.min(visible.length - 1, next))]!, false);
  };

  return (
    <div role="grid" aria-label="Messages" aria-rowcount={visible.length + 1} class="grid" tabIndex={0} onKeyDown={onKeyDown}>
      <div role="row" aria-rowindex={1} class="row head">
        <span role="columnheader">Dir</span>
        <span role="columnheader">Time</span>
        <span role="columnheader">Δ</span>
        <span role="columnheader">Size</span>
        <span role="columnheader">Type</span>
        <span role="columnheader">Data</span>
      </div>
      <div class="body" ref={body} onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}>
        <div class="spacer" style={{ height: `${visible.length * ROW_HEIGHT}px` }}>
          {shown}
        </div>
      </div>
    </div>
  );
}
