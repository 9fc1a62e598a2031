import { WebSocket as WsClient, WebSocketServer as WsServer, type RawData } from 'ws';
import type { Peer, PeerServer } from './peer.js';
import { ReportBook, SERVER_PROTOCOLS } from './peer.js';
import { runClientScript, type ScriptSocket } from './script-runner.js';
import { crc32, patternBytes } from './script.js';

const MAX_PAYLOAD = 16 * 1024 * 1024;

/** The `ws` package, in this process. */
export const wsPeer: Peer = {
  name: 'ws',
  abilities: {
    server: true,
    sendFragments: true,
    ping: true,
    requiresSubprotocol: true,
    // ws refuses codes that may not be sent (1004–1006, 1015, ...); the suite uses none of them.
    cannotCloseWith: () => undefined,
  },
  setUp: async () => undefined,
  tearDown: async () => undefined,
  startServer,
  runClient: (url, script, timeoutMs) =>
    runClientScript(
      {
        open: (target, protocols) => new WsClient(target, protocols, { maxPayload: MAX_PAYLOAD }) as unknown as ScriptSocket,
        crc32,
        patternBytes,
        sendFragments: (socket, pieces, binary) => {
          // ws: `fin: false` keeps the message open; the first frame carries the opcode.
          for (const [i, piece] of pieces.entries()) (socket as unknown as WsClient).send(piece, { binary, fin: i === pieces.length - 1 });
        },
        ping: (socket, data) =>
          new Promise((resolve) => {
            const ws = socket as unknown as WsClient;
            ws.once('pong', (payload: Buffer) => resolve(payload.toString()));
            ws.ping(data);
          }),
      },
      url,
      script,
      timeoutMs,
    ),
};

async function startServer(): Promise<PeerServer> {
  const book = new ReportBook();
  const server = new WsServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: MAX_PAYLOAD,
    handleProtocols: (offered) => [...offered].find((p) => SERVER_PROTOCOLS.includes(p)) ?? false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (ws, request) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    ws.on('error', () => undefined); // protocol errors end in 'close' with the code; that is what we check
    ws.on('message', (data: RawData, isBinary) => {
      const message = data as Buffer;
      switch (url.pathname) {
        case '/echo':
          ws.send(message, { binary: isBinary });
          break;
        case '/fragments': {
          const third = Math.floor(message.length / 3);
          const cuts = [0, third, 2 * third, message.length];
          for (let i = 0; i < 3; i++) ws.send(message.subarray(cuts[i], cuts[i + 1]), { binary: isBinary, fin: i === 2 });
          break;
        }
        case '/ping':
          ws.once('pong', (payload: Buffer) => ws.send(`pong:${payload.toString()}`));
          ws.ping(message);
          break;
        case '/close': {
          const { code, reason } = JSON.parse(message.toString()) as { code?: number; reason?: string };
          if (code === undefined) ws.close();
          else ws.close(code, reason ?? '');
          break;
        }
      }
    });
    ws.on('close', (code, reason) => {
      book.add({ id: url.searchParams.get('id') ?? '', path: url.pathname, protocol: ws.protocol, closeCode: code, closeReason: reason.toString() });
    });
  });
  return {
    port: (server.address() as { port: number }).port,
    report: (id, timeoutMs) => book.wait(id, timeoutMs, 'ws'),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
