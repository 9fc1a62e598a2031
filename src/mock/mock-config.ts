/**
 * The mock server's script, as read from the `mock:` section of a `*.wscope.yaml` file: what
 * each path answers. Messages and match conditions are kept as written (templates, matcher
 * specs) and rendered or applied per connection and per message.
 */

/**
 * A message as the file writes it, its saved name resolved: `{ text | json | binary | base64 | file }`;
 * or ECHO, what came in, sent back as it was (text stays text, binary binary).
 */
export type MessageSpec = unknown;

export const ECHO = Symbol('echo');

/** One message to send, and what to do to it on the way (the faults). */
export interface Send {
  message: MessageSpec;
  /** Wait this long before sending (ms). */
  delayMs: number;
  /** Send the message as frames of at most this many payload bytes (RFC 6455 §5.4 fragmentation). */
  fragmentBytes?: number;
  /** The chance (0..1) that the message is not sent at all. */
  dropChance: number;
  /** Where it is written in the file, for errors found while rendering it. */
  place: string;
}

/** How the server closes: a Close frame with a code (any code: unsendable ones go raw), or a TCP cut. */
export type Ending = { kind: 'close'; code: number | undefined; reason: string } | { kind: 'abort' };

/** What the server does for a message: replies, in order, then perhaps an ending. */
export interface Action {
  replies: Send[];
  ending?: Ending;
  /** Wait this long before the ending (ms), after the replies were handed on. */
  endingDelayMs: number;
}

export interface Rule {
  /** The matcher spec, the same as a scenario's `expect`. */
  match: unknown;
  action: Action;
  place: string;
}

/** A message sent on a schedule for as long as the connection is open. */
export interface Push {
  send: Send;
  intervalMs: number;
  /** Stop after this many (default: never). */
  times?: number;
}

export interface Route {
  /** As written: `/status`, `/chat/*`, `/files/**`. */
  pattern: string;
  /** Subprotocols this path speaks, in preference order; absent: the client's first is accepted. */
  protocols?: readonly string[];
  onConnect: Send[];
  rules: Rule[];
  pushes: Push[];
  /** After this many incoming messages (and their replies), end the connection. */
  closeAfter?: { messages: number; ending: Ending };
  /** For a message no rule matches; undefined: ignore it. */
  unmatched?: Action;
  place: string;
}

export interface MockConfig {
  routes: Route[];
  /** The file's saved messages, by name (`messages:`), which replies may name. */
  messages: Readonly<Record<string, unknown>>;
  /** The variables of the chosen environment (`env:`), seen by every template. */
  variables: Readonly<Record<string, unknown>>;
}
