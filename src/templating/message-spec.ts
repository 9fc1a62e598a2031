/**
 * A message as a file writes it: a string (text), `{ text }`, `{ json }` (sent as its JSON text),
 * `{ binary: "48 69 00" }` (hex), `{ base64 }`, `{ file: path }` (its bytes, binary). The scenario
 * runner sends them, the mock server replies with them, the load tester repeats them.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type MessageSpec = string | { text: string } | { json: unknown } | { binary: string } | { base64: string } | { file: string };

/** The kinds a message object may have, one of which it must: for schemas and error messages. */
export const MESSAGE_KINDS = ['text', 'json', 'binary', 'base64', 'file'] as const;

/** A message ready to send: text as a string, binary as bytes. */
export type Payload = { binary: false; data: string } | { binary: true; data: Buffer };

export class MessageSpecError extends Error {
  override name = 'MessageSpecError';
}

/** Bytes from hex written with or without spaces (`48 69 00`, `486900`, `0x48 0x69`). */
export function parseHex(hex: string): Buffer {
  const digits = hex.replace(/0x/gi, '').replace(/[\s:,]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new MessageSpecError(`"${hex}" is not hex bytes (pairs of 0-9 a-f, spaces allowed)`);
  return Buffer.from(digits, 'hex');
}

export function parseBase64(text: string): Buffer {
  const compact = text.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new MessageSpecError(`"${text}" is not base64`);
  return Buffer.from(compact, 'base64');
}

/** Which kind a message object is, or why it is none. */
export function messageKind(spec: unknown): (typeof MESSAGE_KINDS)[number] | 'string' {
  if (typeof spec === 'string') return 'string';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new MessageSpecError(`a message is a string or an object with one of ${MESSAGE_KINDS.join(', ')}`);
  }
  const kinds = MESSAGE_KINDS.filter((kind) => Object.hasOwn(spec, kind));
  if (kinds.length !== 1 || kinds[0] === undefined) {
    throw new MessageSpecError(`a message has exactly one of ${MESSAGE_KINDS.join(', ')}${kinds.length > 1 ? `, not ${kinds.join(' and ')}` : ''}`);
  }
  return kinds[0];
}

/** The payload of a (rendered) message spec; `file` paths are relative to `baseDir`. */
export function buildPayload(spec: MessageSpec, baseDir: string): Payload {
  const kind = messageKind(spec);
  const field = (name: string): unknown => (spec as Record<string, unknown>)[name];
  switch (kind) {
    case 'string':
      return { binary: false, data: spec as string };
    case 'text':
      return { binary: false, data: String(field('text')) };
    case 'json':
      return { binary: false, data: JSON.stringify(field('json')) };
    case 'binary':
      return { binary: true, data: parseHex(String(field('binary'))) };
    case 'base64':
      return { binary: true, data: parseBase64(String(field('base64'))) };
    case 'file': {
      const path = resolve(baseDir, String(field('file')));
      try {
        return { binary: true, data: readFileSync(path) };
      } catch (error) {
        throw new MessageSpecError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
  }
}
