/**
 * The recorder: a subscriber of the trace channel (docs/trace.md) that writes what every
 * WebSocket of the process does to a file — `.jsonl` (the events, one per line, as they happen)
 * or `.har` (Chrome DevTools' shape, kept valid however the process ends). It sees exactly what
 * `--jsonl` sees, secrets redacted as the trace options say (setTraceOptions).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { type AnyTraceEvent, type HandshakeTraceEvent, type HarCreator, TRACE_CHANNEL, type TraceEvent } from '../index.js';
import { RecordFileError, type RecordFormat, recordFormatOf, unknownFormat } from './format.js';
import { HarFile } from './har-file.js';
import { JsonlFile } from './jsonl-file.js';
import type { RecordingSink } from './sink.js';

export interface RecorderOptions {
  /**
   * Which connections go in, decided on each one's handshake (the proxy keeps its client leg in a
   * HAR: `(h) => h.role === 'server'`). With a filter, a connection that never got as far as a
   * handshake (a client that could not connect, a server's unreadable request) is left out;
   * without one every connection goes in.
   */
  connections?: (handshake: HandshakeTraceEvent) => boolean;
  /** HAR: ms from a change to the rewrite that shows it (longer for a large log: 4× the last write's time). Default 1000. */
  harInterval?: number;
  /**
   * Write the HAR at SIGINT, SIGTERM and process exit (default true). A signal nobody else
   * listens for still ends the process, as it would without the recorder.
   */
  handleExit?: boolean;
  /** HAR `log.creator`; default wscope and its version. */
  creator?: HarCreator;
  /** A write failed mid-recording (the disk filled); default: one line on stderr, once. */
  onError?: (error: Error) => void;
}

export const DEFAULT_HAR_INTERVAL_MS = 1000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Every recorder's signal listener: a signal that only recorders listen for must still end the process. */
const recorderListeners = new WeakSet<(...args: never[]) => void>();

export class Recorder {
  readonly format: RecordFormat;
  private readonly sink: RecordingSink;
  private readonly wanted = new Map<number, boolean>();
  private readonly connections: ((handshake: HandshakeTraceEvent) => boolean) | undefined;
  private readonly onError: (error: Error) => void;
  private closed = false;
  private readonly listener = (event: unknown): void => this.receive(event as TraceEvent);
  private readonly atExit = (): void => this.close();
  private readonly atSignal = (signal: NodeJS.Signals): void => this.signalled(signal);
  private readonly handleExit: boolean;

  /**
   * Start recording to `file` (its extension picks the format). Throws a RecordFileError, before
   * any traffic is seen, for another extension or a path that cannot be written.
   */
  constructor(
    readonly file: string,
    options: RecorderOptions = {},
  ) {
    const format = recordFormatOf(file);
    if (!format) throw unknownFormat(file);
    this.format = format;
    let reported = false;
    this.onError =
      options.onError ??
      ((error) => {
        if (reported) return;
        reported = true;
        process.stderr.write(`wscope: recording to '${file}' failed: ${error.message}\n`);
      });
    this.connections = options.connections;
    try {
      this.sink =
        format === 'jsonl'
          ? new JsonlFile(file)
          : new HarFile(file, { creator: options.creator ?? wscopeCreator(), interval: options.harInterval ?? DEFAULT_HAR_INTERVAL_MS, onError: this.onError });
    } catch (error) {
      throw new RecordFileError(`cannot write the recording '${file}': ${(error as Error).message}`, file, 'write');
    }
    subscribe(TRACE_CHANNEL, this.listener);
    this.handleExit = options.handleExit ?? true;
    if (this.handleExit && format === 'har') {
      recorderListeners.add(this.atSignal);
      process.on('exit', this.atExit);
      for (const signal of SIGNALS) process.on(signal, this.atSignal);
    }
  }

  /** Write the HAR as it is now (JSONL is always up to date). */
  flush(): void {
    this.guard(() => this.sink.flush());
  }

  /** Stop: the file gets its last state and is closed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    unsubscribe(TRACE_CHANNEL, this.listener);
    if (this.handleExit && this.format === 'har') {
      process.off('exit', this.atExit);
      for (const signal of SIGNALS) process.off(signal, this.atSignal);
    }
    this.guard(() => this.sink.close());
  }

  private receive(event: TraceEvent): void {
    if (!this.isWanted(event)) return;
    // A subscriber's exception would be rethrown by diagnostics_channel as an uncaught one.
    this.guard(() => this.sink.add(event));
  }

  private isWanted(event: TraceEvent): boolean {
    const known = this.wanted.get(event.conn);
    if (known !== undefined) return known;
    // A gRPC call has no handshake to decide on: it is always kept.
    const wanted = this.connections === undefined || (event.event === 'handshake' ? this.connections(event) : (event as AnyTraceEvent).event === 'grpc-start');
    this.wanted.set(event.conn, wanted);
    return wanted;
  }

  private signalled(signal: NodeJS.Signals): void {
    this.flush();
    // Only recorders listen: without them the signal would have ended the process, so it still
    // does, once the last of them has closed its file.
    if (process.listeners(signal).some((listener) => !recorderListeners.has(listener))) return;
    this.close();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.onError(error as Error);
    }
  }
}

function wscopeCreator(): HarCreator {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return { name: 'wscope', version: typeof pkg.version === 'string' ? pkg.version : '' };
  } catch {
    return { name: 'wscope', version: '' };
  }
}
