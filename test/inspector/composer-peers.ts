/** For the composer's tests: a `ws` server that keeps what it receives, and a page's socket forged with the token. */
import { type RawData, WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { eventually } from '../cli/helpers.js';

export interface Received {
  messages: Array<{ data: Buffer; binary: boolean }>;
  pings: Buffer[];
  closes: Array<{ code: number; reason: string }>;
}

/** The real `ws` library's server on 127.0.0.1, echoing every message and noting messages, pings and closes. */
export async function recordingWsServer(): Promise<{ url: string; received: Received; close(): Promise<void> }> {
  const server = new WsServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const received: Received = { messages: [], pings: [], closes: [] };
  server.on('connection', (socket) => {
    socket.on('message', (data: RawData, binary: boolean) => {
      received.messages.push({ data: Buffer.from(data as Buffer), binary });
      socket.send(data, { binary });
    });
    socket.on('ping', (data: Buffer) => received.pings.push(data));
    socket.on('close', (code: number, reason: Buffer) => received.closes.push({ code, reason: reason.toString() }));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** The page's socket as any program holding the token could open it (the right Origin too). */
export async function forgedPageSocket(
  url: URL,
): Promise<{ socket: WsClient; replies: Array<Record<string, unknown>>; ask(frame: string | Buffer): Promise<Record<string, unknown>> }> {
  const socket = new WsClient(`ws://${url.host}/socket?token=${url.searchParams.get('token')}`, { origin: url.origin });
  const replies: Array<Record<string, unknown>> = [];
  socket.on('message', (data: RawData) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    if (message['type'] === 'reply') replies.push(message);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    replies,
    ask: async (frame) => {
      const before = replies.length;
      socket.send(frame, { binary: typeof frame !== 'string' });
      return eventually(() => replies[before], `a reply to ${String(frame)}`);
    },
  };
}
