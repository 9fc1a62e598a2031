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

/**
 * Connections that are no part of the session: the inspector page's own socket. The output starts
 * with the run, before the mode or its inspector exist, and the trace it reads is the process's,
 * so what to leave out is the process's too.
 */
const leftOut = new Set<(conn: number) => boolean>();

/** Leave the connections `owned` says yes to out of --jsonl; the returned function undoes it. */
export function leaveOutOfJsonl(owned: (conn: number) => boolean): () => void {
  leftOut.add(owned);
  return () => leftOut.delete(owned);
}

/** Start writing; the returned function stops. */
export function startJsonlOutput(out: NodeJS.WritableStream = process.stdout): () => void {
  const listener = (message: unknown): void => {
    const event = message as TraceEvent;
    for (const owned of leftOut) if (owned(event.conn)) return;
    out.write(encodeTraceLine(event));
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
