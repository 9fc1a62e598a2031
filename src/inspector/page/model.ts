/**
 * The page's store: connections and rows, kept outside Preact's state (100 000 rows are plain
 * arrays, not component state); the view is told to redraw once per batch.
 */
import type { CloseTraceEvent, ErrorTraceEvent, HandshakeTraceEvent, TraceEvent } from '../../trace/events.js';

export type RowEvent = Exclude<TraceEvent, HandshakeTraceEvent | ErrorTraceEvent>;

export interface Connection {
  conn: number;
  url: string;
  handshake?: HandshakeTraceEvent;
  close?: CloseTraceEvent;
  errors: ErrorTraceEvent[];
  sent: number;
  received: number;
}

export interface Filter {
  text: string;
  /** 'all', or only what this side sent ('out') / received ('in'). */
  dir: 'all' | 'in' | 'out';
  type: 'all' | 'text' | 'binary';
  control: boolean;
  conn: number | undefined;
}

export const NO_FILTER: Filter = { text: '', dir: 'all', type: 'all', control: true, conn: undefined };

export class Store {
  readonly connections = new Map<number, Connection>();
  readonly rows: RowEvent[] = [];

  add(events: readonly TraceEvent[]): void {
    for (const event of events) {
      const connection = this.connection(event.conn);
      if (event.event === 'handshake') {
        connection.handshake = event;
        connection.url = event.url;
      } else if (event.event === 'error') {
        connection.errors.push(event);
        if (event.url && !connection.url) connection.url = event.url;
      } else {
        if (event.event === 'close') connection.close = event;
        if (event.event === 'message') event.dir === 'out' ? connection.sent++ : connection.received++;
        this.rows.push(event);
      }
    }
  }

  private connection(conn: number): Connection {
    let connection = this.connections.get(conn);
    if (!connection) {
      connection = { conn, url: '', errors: [], sent: 0, received: 0 };
      this.connections.set(conn, connection);
    }
    return connection;
  }
}

/** `/regex/flags` or plain text (any case); a bad regex matches nothing and says so. */
export function textMatcher(text: string): { test: (s: string) => boolean; error?: string } {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (regex) {
    try {
      const re = new RegExp(regex[1]!, regex[2]!.replace(/g|y/g, ''));
      return { test: (s) => re.test(s) };
    } catch (error) {
      return { test: () => false, error: (error as Error).message };
    }
  }
  const needle = text.toLowerCase();
  return { test: (s) => s.toLowerCase().includes(needle) };
}

export function rowMatches(row: RowEvent, filter: Filter, test: (s: string) => boolean): boolean {
  if (filter.conn !== undefined && row.conn !== filter.conn) return false;
  if (filter.dir !== 'all' && row.dir !== filter.dir) return false;
  if (row.event !== 'message') {
    if (!filter.control || filter.type !== 'all') return false;
  } else if (filter.type !== 'all' && (row.opcode === 1) !== (filter.type === 'text')) return false;
  return filter.text === '' || test(row.event === 'close' ? `${row.code} ${row.reason}` : row.data);
}

/** Indexes of the rows that pass, from `start` on (new rows are filtered as they come). */
export function filterRows(rows: readonly RowEvent[], filter: Filter, start: number, into: number[]): { error?: string } {
  const matcher = textMatcher(filter.text);
  for (let i = start; i < rows.length; i++) if (rowMatches(rows[i]!, filter, matcher.test)) into.push(i);
  return matcher.error === undefined ? {} : { error: matcher.error };
}
