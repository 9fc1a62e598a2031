/** What the recording tests share: reading a HAR the way a foreign reader would, and message bytes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Har, HarEntry, HarWebSocketMessage } from '../../src/index.js';

const require = createRequire(import.meta.url);
/** har-validator: the HAR 1.2 JSON schema (har-schema) checked with ajv, a reader that is not ours. */
const harValidator = require('har-validator') as { har(data: unknown): Promise<unknown> };

/** Parse and validate a HAR file; a schema failure names every field that is wrong. */
export async function readValidHar(file: string): Promise<Har> {
  const har = JSON.parse(readFileSync(file, 'utf8')) as Har;
  try {
    await harValidator.har(har);
  } catch (error) {
    throw new Error(`${file} is not valid HAR 1.2: ${JSON.stringify((error as { errors?: unknown }).errors ?? error)}`);
  }
  return har;
}

/**
 * The checks DevTools' importer (front_end/models/har/Importer.ts) makes before it keeps a message:
 * it drops one whose type is not send/receive/error or that lacks time, opcode or data.
 */
export function assertDevToolsMessages(entry: HarEntry): void {
  assert.equal(entry._resourceType, 'websocket');
  for (const message of entry._webSocketMessages) {
    assert.ok(message.type === 'send' || message.type === 'receive', `type ${message.type}`);
    assert.equal(typeof message.time, 'number');
    assert.ok(message.time > 1.7e9 && message.time < 1e10, `time ${message.time} is epoch seconds`);
    assert.ok(message.opcode === 1 || message.opcode === 2, `opcode ${message.opcode}`);
    assert.equal(typeof message.data, 'string');
  }
}

/** A HAR message's bytes: text as UTF-8, binary from base64. */
export function harBytes(message: HarWebSocketMessage): Buffer {
  return message.opcode === 1 ? Buffer.from(message.data, 'utf8') : Buffer.from(message.data, 'base64');
}

export function hexOf(messages: HarWebSocketMessage[]): string[] {
  return messages.map((message) => `${message.opcode}:${harBytes(message).toString('hex')}`);
}
