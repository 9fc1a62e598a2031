/**
 * What the composer may send: the rules the page checks as the user types and the inspector's
 * server checks again on every command (a page is never trusted: anything holding the token can
 * write to the socket). Pure, so the page's bundle and the server share it.
 */
import { describeCloseCode } from '../protocol/close-codes.js';
import type { ComposedMessage, PageCommand } from './wire.js';

/** RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less". */
export const MAX_CONTROL_PAYLOAD = 125;
/** RFC 6455 §5.5.1: a Close's payload is the 2-byte code, then the reason: 123 bytes are left. */
export const MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

/** The largest command the inspector's socket takes (a bigger one would fail the page's socket with 1009). */
export const MAX_COMMAND_BYTES = 1 << 20;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Why this Close may not be sent (the CLI's /close rule: the registry's `sendable`), or undefined. */
export function closeRefusal(code: number, reason: string): string | undefined {
  const info = describeCloseCode(code);
  if (!info.sendable) return `close code ${code} may not be sent: ${info.meaning}`;
  const bytes = utf8Length(reason);
  if (bytes > MAX_CLOSE_REASON) return `the close reason is ${bytes} bytes of UTF-8; a Close frame has room for ${MAX_CLOSE_REASON} (RFC 6455 §5.5)`;
  return undefined;
}

/** Why this ping payload may not be sent, or undefined. */
export function pingRefusal(data: string): string | undefined {
  const bytes = utf8Length(data);
  return bytes > MAX_CONTROL_PAYLOAD
    ? `the ping payload is ${bytes} bytes of UTF-8; a control frame holds at most ${MAX_CONTROL_PAYLOAD} (RFC 6455 §5.5)`
    : undefined;
}

export type ParsedCommand = { command: PageCommand } | { id?: number; error: string };

/** One text message from the page, parsed and checked; never throws. */
export function parsePageCommand(text: string): ParsedCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(value)) return { error: 'a command is a JSON object' };
  const id = value['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { error: 'a command needs an "id": a non-negative integer' };
  if (value['type'] !== 'send') return { id, error: `unknown command type ${JSON.stringify(value['type'])}` };
  const to = value['to'];
  if (to !== undefined && to !== 'all' && !(typeof to === 'number' && Number.isSafeInteger(to) && to >= 0))
    return { id, error: '"to" is a connection id or "all"' };
  const message = composedMessage(value['message']);
  if (typeof message === 'string') return { id, error: message };
  return { command: { type: 'send', id, ...(to !== undefined && { to }), message } };
}

/** The message, checked; a string says what is wrong with it. */
function composedMessage(value: unknown): ComposedMessage | string {
  if (!isRecord(value)) return '"message" is an object with a "kind"';
  switch (value['kind']) {
    case 'text': {
      const data = value['data'];
      return typeof data === 'string' ? { kind: 'text', data } : 'a text message needs "data": a string';
    }
    case 'binary': {
      const base64 = value['base64'];
      return typeof base64 === 'string' && BASE64.test(base64) ? { kind: 'binary', base64 } : 'a binary message needs "base64": its bytes in base64';
    }
    case 'ping': {
      const data = value['data'];
      if (typeof data !== 'string') return 'a ping needs "data": a string';
      return pingRefusal(data) ?? { kind: 'ping', data };
    }
    case 'close': {
      const { code, reason } = value;
      if (typeof code !== 'number' || !Number.isInteger(code)) return 'a close needs "code": an integer';
      if (typeof reason !== 'string') return 'a close needs "reason": a string';
      return closeRefusal(code, reason) ?? { kind: 'close', code, reason };
    }
    default:
      return `unknown message kind ${JSON.stringify(value['kind'])}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
