/**
 * The page's store: connections and rows, kept outside Preact's state (100 000 rows are plain
 * arrays, not component state); the view is told to redraw once per batch.
 */
import { describeGraphqlMessage, type GraphqlMessageSummary } from '../../graphql/describe.js';
import type { AnyTraceEvent, CloseTraceEvent, ErrorTraceEvent, HandshakeTraceEvent, TraceEvent } from '../../trace/events.js';
import { addGrpcEvent, type GrpcCall, isGrpcEvent } from './grpc-calls.js';

export type RowEvent = Exclude<TraceEvent, HandshakeTraceEvent | ErrorTraceEvent>;

export interface Connection {
  conn: number;
  url: string;
  handshake?: HandshakeTraceEvent;
  close?: CloseTraceEvent;
  errors: ErrorTraceEvent[];
  /** A gRPC call (its messages are rows like a WebSocket's). */
  grpc?: GrpcCall;
  sent: number;
  received: number;
  /** GraphQL operation ids seen on this connection, in order, with the name their subscribe / start gave. */
  operations: Map<string, string | undefined>;
}

export interface Filter {
  text: string;
  /** 'all', or only what this side sent ('out') / received ('in'). */
  dir: 'all' | 'in' | 'out';
  type: 'all' | 'text' | 'binary';
  control: boolean;
  conn: number | undefined;
  /** Only the GraphQL messages of this operation id on this connection. */
  operation: { conn: number; id: string } | undefined;
}

export const NO_FILTER: Filter = { text: '', dir: 'all', type: 'all', control: true, conn: undefined, operation: undefined };

export class Store {
  readonly connections = new Map<number, Connection>();
  readonly rows: RowEvent[] = [];
  /** Counts the clears: a view of the rows made before one is out of date. */
  generation = 0;
  /** Each row's GraphQL reading, made once (null: not a GraphQL message). */
  private readonly graphqlReadings = new WeakMap<RowEvent, GraphqlMessageSummary | null>();

  /** The row as a message of its connection's GraphQL subprotocol, when one was agreed. */
  graphqlOf(row: RowEvent): GraphqlMessageSummary | undefined {
    const protocol = this.connections.get(row.conn)?.handshake?.protocol;
    // Most connections agree no subprotocol: nothing to read, nothing to keep.
    if (!protocol || row.event !== 'message' || row.encoding !== 'utf8') return undefined;
    let reading = this.graphqlReadings.get(row);
    if (reading === undefined) {
      reading = describeGraphqlMessage(row.data, protocol) ?? null;
      this.graphqlReadings.set(row, reading);
    }
    return reading ?? undefined;
  }

  /** Clear: the rows go (the connections and their handshakes stay, for what comes next). */
  clear(): void {
    this.rows.length = 0;
    this.generation++;
  }

  /**
   * The trace events behind `indexes` (rows), with the handshakes and errors of their
   * connections, in time order: what an export of those rows holds, readable as a recording.
   */
  eventsOf(indexes: readonly number[]): TraceEvent[] {
    const rows = indexes.map((i) => this.rows[i]!);
    const conns = new Set(rows.map((row) => row.conn));
    const events: TraceEvent[] = [...rows];
    for (const conn of conns) {
      const connection = this.connections.get(conn)!;
      if (connection.handshake) events.push(connection.handshake);
      events.push(...connection.errors);
    }
    return events.sort((a, b) => a.time - b.time);
  }

  add(events: readonly AnyTraceEvent[]): void {
    for (const event of events) {
      const connection = this.connection(event.conn);
      if (isGrpcEvent(event)) {
        const row = addGrpcEvent((connection.grpc ??= {}), event);
        if (row) {
          this.rows.push(row);
          row.dir === 'out' ? connection.sent++ : connection.received++;
        }
      } else if (event.event === 'handshake') {
        connection.handshake = event;
        connection.url = event.url;
      } else if (event.event === 'error') {
        connection.errors.push(event);
        if (event.url && !connection.url) connection.url = event.url;
      } else {
        if (event.event === 'close') connection.close = event;
        if (event.event === 'message') event.dir === 'out' ? connection.sent++ : connection.received++;
        this.rows.push(event);
        const graphql = this.graphqlOf(event);
        if (graphql?.id !== undefined && (graphql.operationName !== undefined || !connection.operations.has(graphql.id))) {
          connection.operations.set(graphql.id, graphql.operationName);
        }
      }
    }
  }

  private connection(conn: number): Connection {
    let connection = this.connections.get(conn);
    if (!connection) {
      connection = { conn, url: '', errors: [], sent: 0, received: 0, operations: new Map() };
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

/** `graphqlOf`: the row read as a GraphQL message (Store.graphqlOf), for the Operation filter. */
export function rowMatches(
  row: RowEvent,
  filter: Filter,
  test: (s: string) => boolean,
  graphqlOf: (row: RowEvent) => GraphqlMessageSummary | undefined,
): boolean {
  if (filter.conn !== undefined && row.conn !== filter.conn) return false;
  if (filter.operation && (row.conn !== filter.operation.conn || graphqlOf(row)?.id !== filter.operation.id)) return false;
  if (filter.dir !== 'all' && row.dir !== filter.dir) return false;
  if (row.event !== 'message') {
    if (!filter.control || filter.type !== 'all') return false;
  } else if (filter.type !== 'all' && (row.opcode === 1) !== (filter.type === 'text')) return false;
  return filter.text === '' || test(row.event === 'close' ? `${row.code} ${row.reason}` : row.data);
}

/** What the table shows: the indexes of the rows that pass the filter, kept up to date as rows come. */
export interface RowView {
  filter: Filter;
  generation: number;
  /** Rows looked at so far. */
  upTo: number;
  indexes: number[];
  error?: string;
}

/**
 * `view` brought up to the first `limit` rows (all of them, or where a pause froze the view): only
 * the new rows are filtered, unless the filter changed or the rows were cleared.
 */
export function updateView(view: RowView, store: Store, filter: Filter, limit: number): RowView {
  if (view.filter !== filter || view.generation !== store.generation) view = { filter, generation: store.generation, upTo: 0, indexes: [] };
  if (view.upTo < limit) {
    const { error } = filterRows(store, filter, view.upTo, limit, view.indexes);
    view.upTo = limit;
    if (error === undefined) delete view.error;
    else view.error = error;
  }
  return view;
}

/** Indexes of the rows that pass, from `start` to `end` (new rows are filtered as they come). */
export function filterRows(store: Store, filter: Filter, start: number, end: number, into: number[]): { error?: string } {
  const matcher = textMatcher(filter.text);
  const graphqlOf = (row: RowEvent) => store.graphqlOf(row);
  for (let i = start; i < end; i++) if (rowMatches(store.rows[i]!, filter, matcher.test, graphqlOf)) into.push(i);
  return matcher.error === undefined ? {} : { error: matcher.error };
}
