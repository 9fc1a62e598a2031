/**
 * What the mock server tells whoever runs it (the CLI prints these): connections, what each rule
 * did, what left and how, reloads. Incoming messages are the socket's own 'message' events.
 */
import type { HandshakeRequest, WebSocket } from '../index.js';
import type { Ending } from './mock-config.js';
import type { Outgoing } from './render-message.js';

/** One client of the mock: its ID (#1, #2...), its socket, and what it asked for. */
export interface MockClient {
  id: number;
  socket: WebSocket;
  request: HandshakeRequest;
  /** The path pattern that serves it (`/chat/*`). */
  pattern: string;
}

export type MockEvent =
  | { type: 'connection'; client: MockClient }
  | { type: 'rejected'; request: HandshakeRequest | undefined; status: number; message: string }
  /** A message left: `frames` when it was cut into frames, `delayedMs` when it waited. */
  | { type: 'sent'; client: MockClient; message: Outgoing; frames?: number; delayedMs: number }
  /** A message the file said to send was dropped on purpose (drop:). */
  | { type: 'dropped'; client: MockClient; message: Outgoing }
  /** An incoming message matched no rule (and unmatched: says what then). */
  | { type: 'unmatched'; client: MockClient }
  /** The server ends the connection, as the file says (`why`: which rule or closeAfter). */
  | { type: 'ending'; client: MockClient; ending: Ending; why: string }
  /** Something in the file could not be done for this client (a missing variable, a file not found). */
  | { type: 'problem'; client: MockClient; error: Error }
  | { type: 'close'; client: MockClient; code: number; reason: string };

export type Report = (event: MockEvent) => void;
