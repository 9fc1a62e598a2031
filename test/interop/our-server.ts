import { Opcode, WebSocketServer, type HandshakeRequest, type WebSocket } from '../../src/index.js';
import { SERVER_PROTOCOLS } from './peer.js';
import { SocketLog } from './recorder.js';

/**
 * wscope's server as the peers' clients meet it. Like the peers' servers it picks what to do
 * from the path (see peer.ts), and a few things only we can do:
 *
 *   /echo                  send each message back as it came
 *   /fragments             send each message back in three frames, cut by bytes (raw sendFrame)
 *   /ping?data=P           ping with P at once; when the pong is in, send "pong:<its payload>"
 *   /close?code=C&reason=R on the first message, close with C and R (no code: an empty Close)
 *   /bad?frame=K           on the first message, send an invalid frame of kind K
 */
export class OurServer {
  /** The opening handshake of each connection, by id. */
  readonly requests = new Map<string, HandshakeRequest>();
  private readonly logs = new Map<string, SocketLog>();
  private readonly waiters = new Map<string, () => void>();
  private server: WebSocketServer | undefined;

  async start(): Promise<number> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, protocols: SERVER_PROTOCOLS, closeTimeout: 3000 });
    await this.server.ready();
    this.server.on('connection', (socket: WebSocket, request: HandshakeRequest) => this.serve(socket, request));
    return this.server.address().port;
  }

  /** The log of connection `id`, once it has closed. */
  async closedLog(id: string, timeoutMs = 8000): Promise<SocketLog> {
    const log = this.logs.get(id) ?? (await this.connected(id, timeoutMs));
    await log.whenClosed(timeoutMs);
    return log;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private connected(id: string, timeoutMs: number): Promise<SocketLog> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection ${id} reached our server`)), timeoutMs);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        resolve(this.logs.get(id)!);
      });
    });
  }

  private serve(socket: WebSocket, request: HandshakeRequest): void {
    const url = new URL(request.url, 'http://localhost');
    const id = url.searchParams.get('id') ?? '';
    this.requests.set(id, request);
    const log = new SocketLog(socket);
    this.logs.set(id, log);
    this.waiters.get(id)?.();
    const query = (name: string) => url.searchParams.get(name) ?? undefined;
    if (url.pathname === '/ping') {
      socket.on('pong', (data: Buffer) => socket.send(`pong:${data.toString()}`));
      socket.ping(query('data'));
    }
    socket.on('message', (data: Buffer, binary: boolean) => {
      switch (url.pathname) {
        case '/echo':
          socket.send(data, { binary });
          break;
        case '/fragments':
          sendInThirds(socket, data, binary);
          break;
        case '/close': {
          const code = query('code');
          socket.close(code === undefined ? undefined : Number(code), query('reason'));
          break;
        }
        case '/bad':
          sendInvalidFrame(socket, query('frame'), 'server');
          break;
      }
    });
  }
}

/** One message in three frames, cut by bytes: a text message may be cut inside a character. */
export function sendInThirds(socket: WebSocket, data: Uint8Array, binary: boolean, mask = false): void {
  const third = Math.floor(data.length / 3);
  const cuts = [0, third, 2 * third, data.length];
  for (let i = 0; i < 3; i++) {
    socket.sendFrame({
      opcode: i > 0 ? Opcode.Continuation : binary ? Opcode.Binary : Opcode.Text,
      fin: i === 2,
      payload: data.subarray(cuts[i], cuts[i + 1]),
      mask,
    });
  }
}

/** Frames every peer must refuse with 1002 Protocol Error. */
export const INVALID_FRAMES = {
  // RFC 6455 §5.2: opcodes 0x3–0x7 are "reserved for further non-control frames".
  'reserved opcode 0x3': { opcode: 0x3, payload: Buffer.from('?') },
  // RFC 6455 §5.2: RSV2 "MUST be 0 unless an extension is negotiated that defines meanings".
  'RSV2 set': { opcode: Opcode.Text, rsv2: true, payload: Buffer.from('?') },
  // RFC 6455 §5.1: a server MUST close on an unmasked client frame; a client on a masked one.
  'wrong masking': { opcode: Opcode.Text, payload: Buffer.from('?') },
} as const;

export type InvalidFrameKind = keyof typeof INVALID_FRAMES;

/** Send an invalid frame; every frame is masked as our role requires except 'wrong masking'. */
export function sendInvalidFrame(socket: WebSocket, kind: string | undefined, role: 'client' | 'server'): void {
  const frame = INVALID_FRAMES[kind as InvalidFrameKind];
  if (!frame) throw new Error(`unknown invalid frame ${kind}`);
  const mask = (role === 'client') !== (kind === 'wrong masking');
  socket.sendFrame({ ...frame, mask });
}
