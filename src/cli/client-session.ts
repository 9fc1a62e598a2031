/**
 * Connect mode's connection: open it, print what happens, reconnect with backoff when it is
 * lost, keep what the user sends while it is not open, and end with an exit code.
 */
import { traceConnectionId, WebSocket, type ClientOptions } from '../index.js';
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import { echoMessages } from './echo.js';
import { explainConnectError } from './connect-problems.js';
import { redactUrlPasswords } from '../index.js';
import { ExitCode, exitCodeForClose } from './exit-codes.js';
import { formatClose } from './format.js';
import type { TrafficView } from './output.js';
import type { Printer } from './terminal/printer.js';
import { runSocketCommand, type SocketCommand } from './slash-commands.js';

export interface SessionOptions {
  url: string;
  client: ClientOptions;
  /** Attempts after a lost connection (Infinity: forever); undefined: none. */
  reconnect: number | undefined;
  backoff?: BackoffOptions;
  echo: boolean;
  raw: boolean;
}

/** Bytes buffered in the socket above which a producer (pipe mode) should wait for 'drain'. */
const HIGH_WATER_MARK = 1024 * 1024;

export class ClientSession {
  /** Resolves with the exit code once the session is over. */
  readonly finished: Promise<ExitCode>;
  /** Called on each open (the first and every reconnect). */
  onOpen: ((socket: WebSocket, reconnected: boolean) => void) | undefined;
  private socket: WebSocket | undefined;
  private readonly queue: SocketCommand[] = [];
  private userClosing: { code: number; reason: string } | undefined;
  private attempt = 0;
  /** Connections tried so far: with --reconnect each is named by its number (the trace's `conn` when tracing). */
  private attempts = 0;
  private everOpened = false;
  private done = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastExit: ExitCode = ExitCode.ConnectFailed;
  private resolve!: (code: ExitCode) => void;

  constructor(
    private readonly options: SessionOptions,
    private readonly printer: Printer,
    private readonly view: TrafficView,
  ) {
    this.finished = new Promise((resolve) => (this.resolve = resolve));
  }

  start(): void {
    this.open();
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Send now when open; otherwise keep it, in order, for the next open. */
  submit(command: SocketCommand): void {
    if (this.userClosing || this.done) {
      this.printer.warn('not sent: the connection is closing');
      return;
    }
    if (this.queue.length > 0 || !this.isOpen) {
      this.queue.push(command);
      return;
    }
    this.run(command);
  }

  /** Resolves when the socket can take more (pipe mode's backpressure). */
  writable(): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isOpen || socket.bufferedAmount < HIGH_WATER_MARK) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /** The user is done: close (after sending anything still queued) and finish. */
  close(code = 1000, reason = ''): void {
    if (this.done || this.userClosing) return;
    this.userClosing = { code, reason };
    const state = this.socket?.readyState;
    if (state === WebSocket.OPEN) {
      this.flushQueue();
      return;
    }
    // Closing already: the close event finishes the session.
    if (state === WebSocket.CLOSING) return;
    // Lines typed while disconnected wait for the next connection, which closes after sending them.
    if (this.queue.length > 0 && this.options.reconnect !== undefined) return;
    if (this.queue.length > 0) this.printer.warn(`${this.queue.length} message(s) not sent: not connected`);
    this.finish(this.everOpened ? this.lastExit : ExitCode.ConnectFailed);
    this.socket?.terminate();
  }

  private run(command: SocketCommand): void {
    try {
      runSocketCommand(this.socket!, command, { raw: this.options.raw, mask: true });
      if (command.kind === 'close') this.userClosing = { code: command.code ?? 1000, reason: command.reason };
    } catch (error) {
      this.printer.error((error as Error).message);
    }
  }

  private open(): void {
    const socket = new WebSocket(this.options.url, this.options.client);
    this.socket = socket;
    this.attempts++;
    let failedByUs = false;
    this.view.attach(socket);
    socket.on('error', (error: Error & { code?: string }) => {
      if (socket.readyState === WebSocket.CONNECTING || socket.connectError === error) return;
      if (error.name === 'ProtocolError') {
        failedByUs = true;
        this.printer.error(`protocol error: ${error.message} (${error.code})`);
      } else {
        this.printer.error(error.message);
      }
    });
    socket.on('heartbeat-timeout', (reason: string) => this.printer.warn(`heartbeat: ${reason}; the connection is dead`));
    socket.on('open', () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      const negotiated = [socket.protocol && `, subprotocol ${socket.protocol}`, socket.extensions && `, ${socket.extensions}`].join('');
      const hint = this.printer.interactive ? ' (press Ctrl-C to quit)' : '';
      const id = this.options.reconnect === undefined ? '' : ` (connection #${traceConnectionId(socket) ?? this.attempts})`;
      this.printer.status(`${reconnected ? 'reconnected' : 'connected'} to ${redactUrlPasswords(socket.url)}${id}${negotiated}${hint}`);
      if (this.options.echo) echoMessages(socket);
      this.onOpen?.(socket, reconnected);
      this.flushQueue();
    });
    socket.on('close', (code: number, reason: string) => {
      if (this.socket !== socket || this.done) return;
      if (socket.connectError) {
        this.connectFailed(socket.connectError);
        return;
      }
      this.printer.status(formatClose(code, reason, socket.protocol));
      this.lastExit = exitCodeForClose(code, failedByUs);
      this.retryOrFinish();
    });
  }

  private flushQueue(): void {
    while (this.queue.length > 0 && this.isOpen) this.run(this.queue.shift()!);
    if (this.userClosing && this.isOpen) this.socket!.close(this.userClosing.code, this.userClosing.reason);
  }

  private connectFailed(error: Error): void {
    void explainConnectError(this.options.url, error, this.options.client.proxy !== undefined).then(({ line, exitCode }) => {
      this.lastExit = exitCode;
      this.printer.error(line);
      this.retryOrFinish();
    });
  }

  private retryOrFinish(): void {
    const limit = this.options.reconnect;
    const wantsRetry = limit !== undefined && (!this.userClosing || this.queue.length > 0);
    if (!wantsRetry || this.attempt >= limit) {
      if (wantsRetry) this.printer.warn(`giving up after ${this.attempt} reconnect attempt${this.attempt === 1 ? '' : 's'}`);
      this.finish(this.lastExit);
      return;
    }
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF);
    const of = limit === Infinity ? '' : `/${limit}`;
    const waiting = this.queue.length > 0 ? `, ${this.queue.length} message(s) waiting` : '';
    this.printer.status(`reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.attempt}${of}${waiting})`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.done) this.open();
    }, delay);
  }

  private finish(code: ExitCode): void {
    if (this.done) return;
    this.done = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.resolve(code);
  }
}
