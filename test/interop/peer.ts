import type { ClientEvent, ClientScript, ServerReport } from './script.js';

/**
 * A real WebSocket implementation the interop suite runs against. Its server (when it has one)
 * picks what to do from the request path:
 *
 *   /echo       send each message back as it came (text as text, binary as binary)
 *   /fragments  send each message back as one message in three frames
 *   /ping       ping with each text message as payload; once the pong is in, send "pong:<message>"
 *   /close      each message is JSON {code?, reason?}: close with them (no code: an empty Close)
 *
 * It speaks the subprotocols wscope.v1 and wscope.v2 and picks the first one the client offered.
 * A `?id=` in the URL names the connection in the server's reports.
 */
export interface Peer {
  name: string;
  /** What the peer's API can do; a case that needs more is skipped with the reason. */
  abilities: PeerAbilities;
  /** Check the peer is there (interpreter, browser) and get it ready; failing here fails the suite. */
  setUp(): Promise<void>;
  /** Stop everything the peer started: servers, client processes, the browser. */
  tearDown(): Promise<void>;
  startServer(): Promise<PeerServer>;
  /** Run a client script against `url` and report what the peer's client saw. */
  runClient(url: string, script: ClientScript, timeoutMs: number): Promise<ClientEvent[]>;
}

export interface PeerAbilities {
  /** Browsers are only clients. */
  server: boolean;
  /** The client can send one message as several frames. */
  sendFragments: boolean;
  /** The client can send pings. */
  ping: boolean;
  /**
   * The client fails the connection when it offered subprotocols and the server chose none, as
   * WHATWG requires of browsers ("If protocols is not the empty list and [the response's
   * Sec-WebSocket-Protocol] results in null, failure, or the empty byte sequence, then fail").
   * RFC 6455 allows either.
   */
  requiresSubprotocol: boolean;
  /** Why the client cannot close with this code (undefined: no code), or undefined when it can. */
  cannotCloseWith(code: number | undefined): string | undefined;
}

export interface PeerServer {
  port: number;
  /** What the server saw on connection `id`, once that connection has closed. */
  report(id: string, timeoutMs: number): Promise<ServerReport>;
  stop(): Promise<void>;
}

/** The subprotocols every peer's server speaks. */
export const SERVER_PROTOCOLS = ['wscope.v1', 'wscope.v2'];

/** Server reports by connection id, each waited for until it arrives or time runs out. */
export class ReportBook {
  private readonly reports = new Map<string, ServerReport>();
  private readonly waiters = new Map<string, (report: ServerReport) => void>();

  add(report: ServerReport): void {
    this.reports.set(report.id, report);
    this.waiters.get(report.id)?.(report);
  }

  wait(id: string, timeoutMs: number, peer: string): Promise<ServerReport> {
    const ready = this.reports.get(id);
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`${peer}'s server reported nothing on connection ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, (report) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(report);
      });
    });
  }
}
