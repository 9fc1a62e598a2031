/**
 * Both directions of the inspector's socket. The inspector sends the page trace events (and a
 * hello first: WebSocket and gRPC ones alike); a live page with a composer sends commands back, each answered by a reply with
 * the command's id.
 */
import type { AnyTraceEvent } from '../trace/events.js';

export type InspectorMessage =
  | {
      type: 'hello';
      mode: 'live' | 'recording';
      title: string;
      /** The composer is on: this process is a live client or server and sends what the page asks. */
      canSend: boolean;
      /** Listen mode: many clients, so a command names one (its trace `conn`) or 'all'. */
      clients: boolean;
    }
  | { type: 'events'; events: AnyTraceEvent[] }
  /** The answer to the command with this id (null: it had none): done (no error), or why it was not sent. */
  | { type: 'reply'; id: number | null; error?: string };

/** What the composer asks to send. Binary data travels as base64 (the socket carries JSON text). */
export type ComposedMessage =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; base64: string }
  | { kind: 'ping'; data: string }
  | { kind: 'close'; code: number; reason: string };

/** Page to inspector. `to`: a connection's trace id, 'all' (listen mode), or absent (connect mode's one connection). */
export interface PageCommand {
  type: 'send';
  id: number;
  to?: number | 'all';
  message: ComposedMessage;
}
