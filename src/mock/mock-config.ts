/**
 * The mock server's script, as read from the `mock:` section of a `*.wscope.yaml` file: what
 * each path answers. Messages are kept as written (templates) and rendered for each send, with
 * where they sit in the file so that a missing variable names its line.
 */
import type { CompiledMatcher } from '../matchers/index.js';
import type { SourcePlaces } from '../templating/index.js';

/**
 * A message as the file writes it, its saved name resolved: `{ text | json | binary | base64 | file }`;
 * or ECHO, what came in, sent back as it was (text stays text, binary binary).
 */
export type MessageSpec = unknown;

export const ECHO = Symbol('echo');

/** One message to send, and what to do to it on the way (the faults). */
export interface Send {
  message: MessageSpec;
  /** Where the message sits in the parsed file (`container[key]`), for template errors. */
  container: object;
  key: string | number;
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
  /** The same matchers as a scenario's `expect`. */
  matcher: CompiledMatcher;
  /** A `regex:` rule's pattern, whose groups replies can use (`{{match.1}}`). */
  regex?: RegExp;
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
  /** The variables of the chosen environment (`env:`), seen by every template. */
  environment: Record<string, unknown>;
  /** Where each value of the file was written. */
  places: SourcePlaces;
  /** Where `file:` messages are read from: the file's directory. */
  baseDir: string;
}
