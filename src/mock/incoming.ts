/**
 * A message that came in, as rules see it, and the names a reply's template can use for it:
 * `{{message.FIELD}}` (a field of a JSON object, nested as `message.user.name`), `{{message.text}}`
 * (the whole message, unless the JSON has a `text` field of its own, which wins), `{{match.1}}`
 * and `{{match.NAME}}` (the matching regex's groups).
 */
import type { Buffer } from 'node:buffer';
export interface Incoming {
  data: Buffer;
  binary: boolean;
  /** The message as text (a binary one decoded as UTF-8). */
  text: string;
  /** The parsed JSON, when the message is JSON. */
  json?: unknown;
}

export function readIncoming(data: Buffer, binary: boolean): Incoming {
  const text = data.toString('utf8');
  const incoming: Incoming = { data, binary, text };
  if (!binary) {
    try {
      incoming.json = JSON.parse(text);
    } catch {
      // Not JSON: rules see it as text only.
    }
  }
  return incoming;
}

export function incomingScope(incoming: Incoming, regex: RegExp | undefined): Record<string, unknown> {
  const fields = typeof incoming.json === 'object' && incoming.json !== null && !Array.isArray(incoming.json) ? incoming.json : {};
  const message = incoming.binary
    ? { size: incoming.data.length, hex: incoming.data.toString('hex'), base64: incoming.data.toString('base64') }
    : { text: incoming.text, ...fields };
  return { message, match: regexGroups(regex, incoming.text) };
}

/** The groups of a `regex:` rule's match: `match.0` the whole, `match.1`..., and named ones. */
function regexGroups(regex: RegExp | undefined, text: string): Record<string, string | undefined> {
  const found = regex?.exec(text);
  if (!found) return {};
  return { ...Object.fromEntries(found.map((group, i) => [String(i), group])), ...found.groups };
}
