/** The inspector page: connections, handshake, the filtered message table and the selected message. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { InspectorMessage } from '../wire.js';
import { CommandChannel } from './commands.js';
import { Composer } from './composer.js';
import { ConnectionList, Handshake } from './connections.js';
import { Detail } from './detail.js';
import { type Filter, NO_FILTER, type RowView, Store, updateView } from './model.js';
import { OperationFilter } from './operation-filter.js';
import { MessageTable } from './table.js';
import { Toolbar } from './toolbar.js';

export function App({ socketUrl }: { socketUrl: string }) {
  const store = useMemo(() => new Store(), []);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('connecting');
  const [title, setTitle] = useState('');
  const [composer, setComposer] = useState<{ clients: boolean } | undefined>(undefined);
  const channel = useRef<CommandChannel | undefined>(undefined);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [marked, setMarked] = useState<number | undefined>(undefined);
  const select = (index: number, second: boolean) => {
    if (second && selected !== undefined) return setMarked(index);
    setSelected(index);
    setMarked(undefined);
  };
  const filterBox = useRef<HTMLInputElement>(null);
  // The filtered indexes, extended as rows arrive and rebuilt when the filter changes.
  const filtered = useRef<RowView>({ filter, generation: 0, upTo: 0, indexes: [] });
  // Paused: the rows shown stop here; those after it are kept, counted, and shown on Resume.
  const [pausedAt, setPausedAt] = useState<number | undefined>(undefined);
  const clear = () => {
    store.clear();
    setSelected(undefined);
    setMarked(undefined);
    if (pausedAt !== undefined) setPausedAt(0);
    setVersion((v) => v + 1);
  };

  useEffect(() => {
    const socket = new WebSocket(socketUrl);
    const commands = (channel.current = new CommandChannel(socket));
    socket.onopen = () => setStatus('connected');
    socket.onclose = () => {
      setStatus('disconnected from wscope');
      commands.closed();
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data as string) as InspectorMessage;
      if (message.type === 'hello') {
        setTitle(message.title);
        setStatus(message.mode === 'live' ? 'live' : 'recording');
        setComposer(message.canSend ? { clients: message.clients } : undefined);
      } else if (message.type === 'reply') commands.reply(message);
      else {
        // One batch, one redraw: the server gathers events for a few dozen ms per message.
        store.add(message.events);
        setVersion((v) => v + 1);
      }
    };
    return () => socket.close();
  }, [socketUrl, store]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if (event.key === '/' && !typing) {
        event.preventDefault();
        filterBox.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const view = (filtered.current = updateView(filtered.current, store, filter, pausedAt ?? store.rows.length));
  const connections = [...store.connections.values()];
  const connection = filter.conn !== undefined ? store.connections.get(filter.conn) : connections.length === 1 ? connections[0] : undefined;
  const set = (change: Partial<Filter>) => setFilter({ ...filter, ...change });
  const graphqlOf = useMemo(() => store.graphqlOf.bind(store), [store]);
  const row = selected === undefined ? undefined : store.rows[selected];
  const graphql = row && graphqlOf(row);

  return (
    <div class="app" data-version={version}>
      <header>
        <h1>wscope inspector</h1>
        <span class="title">{title}</span>
        <a class="export" href={`/export.har${location.search}`} download>
          Export HAR
        </a>
        <a class="export" href={`/export.jsonl${location.search}`} download>
          Export JSONL
        </a>
        <span class="status" role="status" aria-label="Session">
          {status}
        </span>
      </header>
      <ConnectionList connections={connections} selected={filter.conn} onSelect={(conn) => set({ conn, operation: undefined })} />
      <main>
        <Handshake connection={connection} />
        <div class="filters">
          <label>
            Filter{' '}
            <input
              ref={filterBox}
              type="search"
              placeholder="text or /regex/  (press /)"
              value={filter.text}
              onInput={(e) => set({ text: e.currentTarget.value })}
            />
          </label>
          <label>
            Direction{' '}
            <select value={filter.dir} onChange={(e) => set({ dir: e.currentTarget.value as Filter['dir'] })}>
              <option value="all">both</option>
              <option value="out">sent</option>
              <option value="in">received</option>
            </select>
          </label>
          <label>
            Type{' '}
            <select value={filter.type} onChange={(e) => set({ type: e.currentTarget.value as Filter['type'] })}>
              <option value="all">all</option>
              <option value="text">text</option>
              <option value="binary">binary</option>
            </select>
          </label>
          <OperationFilter connection={connection} value={filter.operation} onChange={(operation) => set({ operation })} />
          <label>
            <input type="checkbox" checked={filter.control} onChange={(e) => set({ control: e.currentTarget.checked })} /> Pings, pongs and close
          </label>
          <output class="count" aria-label="Matches">
            {view.error ? `bad regex: ${view.error}` : `${view.indexes.length} of ${view.upTo} match`}
          </output>
        </div>
        <Toolbar
          paused={pausedAt !== undefined}
          held={store.rows.length - (pausedAt ?? store.rows.length)}
          onPause={(pause) => setPausedAt(pause ? store.rows.length : undefined)}
          onClear={clear}
          shownEvents={() => store.eventsOf(view.indexes)}
        />
        <MessageTable rows={store.rows} visible={view.indexes} selected={selected} marked={marked} onSelect={select} follow={true} graphqlOf={graphqlOf} />
        <Detail
          row={row}
          other={marked === undefined ? undefined : store.rows[marked]}
          graphql={graphql && row && { summary: graphql, connection: store.connections.get(row.conn)! }}
        />
        {composer && <Composer clients={composer.clients} connections={connections} send={(to, message) => channel.current!.send(to, message)} />}
      </main>
    </div>
  );
}
