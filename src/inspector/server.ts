/**
 * The inspector's server: one HTTP port on 127.0.0.1 (or --inspect-host's) serving the page (bundled at build time,
 * dist/src/inspector/page.js) and, on the same port, the WebSocket the page reads trace events
 * from. Our own WebSocketServer serves that socket; its connections are traced like any other,
 * so the inspector leaves its own out of what it shows. A live page may also send commands on
 * that socket (the composer's): each is checked here and handed to the owner's `send` hook.
 */
import { Buffer } from 'node:buffer';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AnyTraceEvent, encodeJsonl, harFromEvents, TRACE_CHANNEL, type TraceEvent, traceConnectionId, WebSocketServer } from '../index.js';
import { MAX_COMMAND_BYTES, parsePageCommand } from './composing.js';
import { encode, Feed } from './feed.js';
import { allowedHosts, hostInUrl, newToken, refusal } from './guard.js';
import { PAGE_HTML } from './html.js';
import type { ComposedMessage, InspectorMessage } from './wire.js';

export const SOCKET_PATH = '/socket';

export interface InspectorOptions {
  /** Default 127.0.0.1. Another interface is reachable by others: the token and Host check still apply. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Shown as the page's title: the recording's file, or the live mode's target. */
  title: string;
  /** Live: every trace event of this process, as it happens. Otherwise only what `add` is given. */
  live: boolean;
  /** The composer: given by a live client or server, which sends what the page asks. */
  composer?: Composer;
}

/** A composed message as the owner sends it: binary decoded to bytes. */
export type ComposerMessage = Exclude<ComposedMessage, { kind: 'binary' }> | { kind: 'binary'; data: Buffer };

export interface Composer {
  /**
   * Send `message` to `to` (a connection's trace id, 'all', or undefined: the one connection).
   * Throws an Error whose message the page shows when it cannot (no such client, not open...).
   */
  send(to: number | 'all' | undefined, message: ComposerMessage): void;
  /** Many clients (listen mode): the page offers each, or all. */
  clients: boolean;
}

function readPage(): string {
  try {
    return readFileSync(new URL('./page.js', import.meta.url), 'utf8');
  } catch {
    throw new Error('the inspector page is not built (dist/src/inspector/page.js): run npm run build');
  }
}

export class Inspector {
  readonly token = newToken();
  private readonly feed = new Feed();
  private readonly http: Server;
  private readonly sockets: WebSocketServer;
  private readonly page: string;
  private hosts: ReadonlySet<string> = new Set();
  /** Connection ids of the inspector's own sockets, whose events are not shown. */
  private readonly own = new Set<number>();
  /** Set while our WebSocketServer answers one of our upgrades: its handshake event is published then. */
  private upgrading = false;
  private readonly listener = (message: unknown): void => this.observe(message as AnyTraceEvent);
  private port = 0;
  private bound = '127.0.0.1';

  constructor(private readonly options: InspectorOptions) {
    this.page = readPage();
    this.http = createServer((req, res) => this.serve(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.sockets = new WebSocketServer({ clientTracking: true, maxMessageSize: MAX_COMMAND_BYTES });
    this.sockets.on('connection', (ws) => {
      const conn = traceConnectionId(ws);
      if (conn !== undefined) this.own.add(conn);
      const composer = this.composer;
      ws.send(
        encode({
          type: 'hello',
          mode: options.live ? 'live' : 'recording',
          title: options.title,
          canSend: composer !== undefined,
          clients: composer?.clients ?? false,
        }),
      );
      ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(encode(this.command(isBinary ? undefined : data.toString('utf8')))));
      const target = { send: (text: string) => ws.send(text) };
      this.feed.join(target);
      ws.on('close', () => this.feed.leave(target));
    });
    if (options.live) subscribe(TRACE_CHANNEL, this.listener);
  }

  /** Listens; resolves with the URL to open (it carries the token). */
  async start(): Promise<string> {
    const host = (this.bound = this.options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address();
    if (!address || typeof address === 'string') throw new Error('the inspector is not on a TCP port');
    this.port = address.port;
    this.hosts = allowedHosts(this.port, host);
    return this.url;
  }

  /** Under the host it was bound to; bound to every interface, under loopback (0.0.0.0 is no address to open). */
  get url(): string {
    const host = this.bound === '0.0.0.0' ? '127.0.0.1' : this.bound === '::' ? '::1' : this.bound;
    return `http://${hostInUrl(host)}:${this.port}/?token=${this.token}`;
  }

  /** Events of a recording, or of a source the inspector does not subscribe to. */
  add(events: Iterable<AnyTraceEvent>): void {
    for (const event of events) this.feed.add(event);
  }

  async close(): Promise<void> {
    if (this.options.live) unsubscribe(TRACE_CHANNEL, this.listener);
    this.feed.flush();
    this.feed.stop();
    this.http.closeAllConnections();
    await Promise.all([this.sockets.close(1001, 'inspector closing'), new Promise<void>((resolve) => this.http.close(() => resolve()))]);
  }

  /**
   * Connection `conn` is the page's own socket (its events are not shown, nor recorded by the CLI).
   * While our server answers an upgrade, every event published is that socket's: so a subscriber
   * that hears of it before the inspector does (--jsonl subscribes first) gets the right answer.
   */
  owns(conn: number): boolean {
    return this.upgrading || this.own.has(conn);
  }

  private observe(event: AnyTraceEvent): void {
    if (event.event === 'handshake' && this.upgrading) this.own.add(event.conn);
    if (this.own.has(event.conn)) return;
    this.feed.add(event);
  }

  /** Whether the page can send on a live socket (its composer is on). */
  get canSend(): boolean {
    return this.composer !== undefined;
  }

  /** A recording has nothing to send on, whatever its owner gave. */
  private get composer(): Composer | undefined {
    return this.options.live ? this.options.composer : undefined;
  }

  /** Run one command from a page; the reply says it was sent, or why not. Never throws. */
  private command(text: string | undefined): InspectorMessage {
    if (text === undefined) return { type: 'reply', id: null, error: 'commands are JSON text messages' };
    const parsed = parsePageCommand(text);
    if ('error' in parsed) return { type: 'reply', id: parsed.id ?? null, error: parsed.error };
    const { id, to, message } = parsed.command;
    const composer = this.composer;
    if (!composer) return { type: 'reply', id, error: this.options.live ? 'this mode has nothing to send on' : 'a recording: nothing to send on' };
    if (!composer.clients && to !== undefined) return { type: 'reply', id, error: 'one connection here: a command names no "to"' };
    if (composer.clients && to === undefined) return { type: 'reply', id, error: 'listen mode: "to" names a client connection or "all"' };
    try {
      composer.send(to, message.kind === 'binary' ? { kind: 'binary', data: Buffer.from(message.base64, 'base64') } : message);
      return { type: 'reply', id };
    } catch (error) {
      return { type: 'reply', id, error: (error as Error).message };
    }
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const refused = refusal({ host: req.headers.host, target }, this.token, this.hosts, false);
    if (refused) {
      forbid(res, refused);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(target, 'http://x').pathname;
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    if (path === '/') {
      res.writeHead(200, {
        ...common,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
        'x-frame-options': 'DENY',
      });
      res.end(PAGE_HTML(this.token, this.options.title));
    } else if (path === '/page.js') {
      res.writeHead(200, { ...common, 'content-type': 'text/javascript; charset=utf-8' });
      res.end(this.page);
    } else if (path === '/export.har' || path === '/export.jsonl') {
      // The session as it is now, in either recording format (docs/recording.md); HAR has no shape for gRPC calls.
      const har = path.endsWith('.har');
      const events = this.feed.events();
      const body = har ? `${JSON.stringify(harFromEvents(events.filter(isWebSocketEvent)), null, 2)}\n` : encodeJsonl(events);
      res.writeHead(200, {
        ...common,
        'content-type': har ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="wscope-session.${har ? 'har' : 'jsonl'}"`,
      });
      res.end(body);
    } else {
      res.writeHead(404, { ...common, 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = req.url ?? '/';
    const refused = refusal({ host: req.headers.host, target, origin: req.headers.origin }, this.token, this.hosts, true);
    if (refused || new URL(target, 'http://x').pathname !== SOCKET_PATH) {
      const status = refused ? '403 Forbidden' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    // Without an accept hook our server answers at once, in this call: the handshake event it
    // publishes comes while `upgrading` is set, and its connection is marked as ours.
    this.upgrading = true;
    try {
      this.sockets.handleUpgrade(req, socket, head);
    } finally {
      this.upgrading = false;
    }
  }
}

function forbid(res: ServerResponse, why: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`forbidden: ${why === 'host' ? 'this server answers only to the host in the URL wscope printed' : 'the URL needs the token wscope printed'}\n`);
}

function isWebSocketEvent(event: AnyTraceEvent): event is TraceEvent {
  return !event.event.startsWith('grpc-');
}
