/**
 * `--jsonl`: every trace event of every connection of this process (handshake, messages, pings,
 * pongs, close, errors: docs/trace.md), one JSON object per line on stdout. It is a subscriber of
 * the trace channel like any other tool, so it sees exactly what a recorder would.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Writable } from 'node:stream';
import { encodeTraceLine, TRACE_CHANNEL, type TraceEvent } from '../index.js';
import type { TrafficView } from './output.js';
import type { PrinterOptions } from './terminal/printer.js';

/** Start writing; the returned function stops. */
export function startJsonlOutput(out: NodeJS.WritableStream = process.stdout): () => void {
  const listener = (event: unknown): void => {
    out.write(encodeTraceLine(event as TraceEvent));
  };
  subscribe(TRACE_CHANNEL, listener);
  return () => unsubscribe(TRACE_CHANNEL, listener);
}

/**
 * With --jsonl, stdout carries the trace and nothing else: the usual message records (which the
 * trace already holds, exactly) are dropped, and status lines go to stderr as in pipe mode.
 */
export function jsonlPrinterOptions(): Pick<PrinterOptions, 'interactive' | 'stdout'> {
  return { interactive: false, stdout: new Writable({ write: (_chunk, _encoding, done) => done() }) };
}

/**
 * The view with --jsonl: the trace channel already carries every socket's events, with its own
 * connection ids (`conn`), so there is nothing to attach per socket.
 */
export const JSONL_VIEW: TrafficView = { attach: () => {} };
