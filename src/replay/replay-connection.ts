/**
 * One recorded connection, played again: open it to the target, send what the client sent with
 * the recorded gaps (divided by the speed), gather what comes back, and close as the recording
 * did. The timers live here; what to send and what to compare come from recording.ts and
 * compare.ts.
 */
import type { Buffer } from 'node:buffer';
import { type ClientOptions, isSendableCloseCode, WebSocket } from '../index.js';
import type { Reply } from './compare.js';
import type { RecordedConnection } from './recording.js';

export interface ReplayOptions {
  url: string;
  client: ClientOptions;
  /** Recorded gaps are divided by this; Infinity (`--speed max`): no waits. */
  speed: number;
  /** After the last send: how long to wait for the replies the recording has, in ms. */
  waitMs: number;
  /** Called with the socket before it opens, so the caller can show its traffic. */
  onSocket?: (socket: WebSocket) => void;
  onOpen?: (socket: WebSocket) => void;
}

export interface ReplayResult {
  /** Set when the connection never opened. */
  connectError?: Error;
  replies: Reply[];
  sent: number;
  close?: { code: number; reason: string };
  /** A protocol error made our side fail the connection. */
  failedByUs: boolean;
}

/**
 * Once as many replies as recorded have come, this much quiet time (ms, never above --wait) lets
 * an extra reply show before we close: extras are differences too.
 */
export const SETTLE_MS = 100;

/** When each of the client's messages goes, in ms after the connection opened: the recorded gaps over the speed. */
export function sendOffsets(connection: RecordedConnection, speed: number): number[] {
  const opened = connection.handshake.time;
  return connection.sent.map((sent) => (speed === Infinity ? 0 : Math.max(0, (sent.time - opened) * 1000) / speed));
}

export function replayConnection(connection: RecordedConnection, options: ReplayOptions): Promise<ReplayResult> {
  return new Promise((resolve) => {
    const socket = new WebSocket(options.url, options.client);
    const replies: Reply[] = [];
    const timers = new Set<NodeJS.Timeout>();
    let sent = 0;
    let failedByUs = false;
    let closing = false;
    let lastSendAt = Number.POSITIVE_INFINITY;
    let lastReplyAt = 0;
    const later = (ms: number, run: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
    };
    options.onSocket?.(socket);
    socket.on('error', (error: Error) => {
      if (error.name === 'ProtocolError') failedByUs = true;
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      replies.push({ opcode: isBinary ? 2 : 1, data });
      lastReplyAt = Date.now();
    });
    socket.on('close', (code: number, reason: string) => {
      for (const timer of timers) clearTimeout(timer);
      if (socket.connectError) resolve({ connectError: socket.connectError, replies, sent, failedByUs });
      else resolve({ replies, sent, close: { code, reason }, failedByUs });
    });
    socket.on('open', () => {
      options.onOpen?.(socket);
      const openedAt = Date.now();
      const offsets = sendOffsets(connection, options.speed);
      const recordedClose = connection.close;
      // The client's own Close, at its recorded time; a server that closed first is waited for.
      const closeOffset =
        recordedClose?.byClient && options.speed !== Infinity ? Math.max(0, (recordedClose.time - connection.handshake.time) * 1000) / options.speed : 0;
      const settle = Math.min(options.waitMs, SETTLE_MS);
      const sendNext = () => {
        if (closing || socket.readyState !== WebSocket.OPEN) return;
        if (sent === connection.sent.length) {
          lastSendAt = Date.now();
          watchForEnd();
          return;
        }
        const due = openedAt + offsets[sent]! - Date.now();
        if (due > 0) {
          later(due, sendNext);
          return;
        }
        const next = connection.sent[sent++]!;
        if (next.kind === 'ping') socket.ping(next.data);
        else socket.send(next.data, { binary: next.opcode === 2 });
        sendNext();
      };
      const watchForEnd = () => {
        if (closing || socket.readyState !== WebSocket.OPEN) return;
        const now = Date.now();
        const waitedOut = now - lastSendAt >= options.waitMs;
        const allIn = replies.length >= connection.replies.length && now - Math.max(lastReplyAt, lastSendAt) >= settle;
        const closeDue = now - openedAt >= closeOffset;
        // A recording where the server closed first: wait for the server, up to --wait.
        const serverCloses = recordedClose !== undefined && !recordedClose.byClient;
        if (waitedOut || (allIn && closeDue && !serverCloses)) {
          closing = true;
          const frame = recordedClose?.byClient ? recordedClose.clientFrame : undefined;
          // A recorded 1005 or 1006 is no code to send (RFC 6455 §7.4.1): close normally instead.
          if (frame && isSendableCloseCode(frame.code)) socket.close(frame.code, frame.reason);
          else socket.close(1000);
          return;
        }
        later(Math.min(25, Math.max(1, settle)), watchForEnd);
      };
      sendNext();
    });
  });
}
