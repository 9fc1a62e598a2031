/**
 * A message of the file made into what goes on the wire: templates rendered with the scope of the
 * moment (the incoming message, the connection, the environment), then text, JSON or bytes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderValue } from './interim-templating.js';

export interface Outgoing {
  payload: Buffer;
  binary: boolean;
}

/** The message `spec` (already checked by the reader: one of text, json, binary, base64, file). */
export function renderMessage(spec: unknown, scope: Record<string, unknown>, baseDir: string): Outgoing {
  const message = spec as Record<string, unknown>;
  if (typeof spec === 'string') return { payload: Buffer.from(renderValue(spec, scope)), binary: false };
  if ('text' in message) return { payload: Buffer.from(String(renderValue(message['text'], scope))), binary: false };
  if ('json' in message) return { payload: Buffer.from(JSON.stringify(renderValue(message['json'], scope))), binary: false };
  if ('binary' in message) {
    const hex = String(renderValue(message['binary'], scope)).replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`binary: is hex bytes (0a ff 10), got '${hex}'`);
    return { payload: Buffer.from(hex, 'hex'), binary: true };
  }
  if ('base64' in message) return { payload: Buffer.from(String(renderValue(message['base64'], scope)), 'base64'), binary: true };
  return { payload: readFileSync(resolve(baseDir, String(renderValue(message['file'], scope)))), binary: true };
}
