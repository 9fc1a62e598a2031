/**
 * A message of the file made into what goes on the wire: its templates rendered with the scope
 * of the moment (the incoming message, the connection, the environment), then built as text,
 * JSON or bytes by the file format's own rules (src/templating).
 */
import { Buffer } from 'node:buffer';
import { buildPayload, type MessageSpec, MessageSpecError, renderValue, TemplateError, type Variables } from '../templating/index.js';
import type { MockConfig, Send } from './mock-config.js';

export interface Outgoing {
  payload: Buffer;
  binary: boolean;
}

/** Throws an Error whose message starts with the place in the file (a missing variable, a file not found). */
export function renderMessage(send: Send, variables: Variables, config: MockConfig): Outgoing {
  try {
    const rendered = renderValue(send.message as MessageSpec, variables, config.places, send.container, send.key);
    const payload = buildPayload(rendered, config.baseDir);
    return payload.binary ? { payload: payload.data, binary: true } : { payload: Buffer.from(payload.data), binary: false };
  } catch (error) {
    if (error instanceof TemplateError && error.place) throw error;
    if (error instanceof TemplateError || error instanceof MessageSpecError) throw new Error(`${send.place}: ${error.message}`);
    throw error;
  }
}
