/** The page's side of the composer's commands: each sent with an id, its reply awaited by that id. */
import { MAX_COMMAND_BYTES, utf8Length } from '../composing.js';
import type { ComposedMessage, InspectorMessage, PageCommand } from '../wire.js';

export type SendTo = number | 'all' | undefined;

/** Resolves with undefined once wscope has sent it, or with why it did not. */
export type SendComposed = (to: SendTo, message: ComposedMessage) => Promise<string | undefined>;

export class CommandChannel {
  private next = 1;
  private readonly waiting = new Map<number, (error: string | undefined) => void>();

  constructor(private readonly socket: WebSocket) {}

  readonly send: SendComposed = (to, message) => {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve('not connected to wscope');
    const command: PageCommand = { type: 'send', id: this.next++, ...(to !== undefined && { to }), message };
    const text = JSON.stringify(command);
    // Refused here: the inspector would fail the whole socket (1009) rather than answer.
    const bytes = utf8Length(text);
    if (bytes > MAX_COMMAND_BYTES) return Promise.resolve(`too big for the inspector's socket: ${bytes} bytes encoded, at most ${MAX_COMMAND_BYTES}`);
    this.socket.send(text);
    return new Promise((resolve) => this.waiting.set(command.id, resolve));
  };

  reply(message: Extract<InspectorMessage, { type: 'reply' }>): void {
    if (message.id === null) return;
    this.waiting.get(message.id)?.(message.error);
    this.waiting.delete(message.id);
  }

  /** The socket is gone: nothing waiting will be answered. */
  closed(): void {
    for (const resolve of this.waiting.values()) resolve('disconnected from wscope before it answered');
    this.waiting.clear();
  }
}
