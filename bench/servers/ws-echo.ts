/**
 * The reference: a ws echo server in its best setup (bufferutil loaded; UTF-8 checked by the
 * runtime's buffer.isUtf8). Refuses to start if ws did not load bufferutil.
 *
 *   node dist/bench/servers/ws-echo.js 9001 [--deflate]
 */
import { WebSocketServer } from 'ws';
import { parseServerArgs, serveControl } from './control.js';
import { wsNativeStatus } from '../lib/ws-internals.js';

const args = parseServerArgs(process.argv.slice(2));
const native = wsNativeStatus();
if (!native.bufferutil) {
  console.error('ws-echo: ws did not load bufferutil; run `npm install` (bufferutil is a devDependency)');
  process.exit(1);
}

let open = 0;
const server = new WebSocketServer({ port: args.port, host: args.host, perMessageDeflate: args.deflate });
server.on('connection', (socket) => {
  open++;
  socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary }));
  socket.on('error', () => {});
  socket.on('close', () => open--);
});
server.on('listening', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  serveControl(`ws (bufferutil: ${native.bufferutil ? 'yes' : 'no'}, utf8: ${native.utf8})`, port, args.deflate, () => open);
});
