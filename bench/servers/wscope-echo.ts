/**
 * Our echo server, written as a user would write it against the public API.
 *
 *   node dist/bench/servers/wscope-echo.js 9001 [--deflate]
 */
import { WebSocketServer } from '../../src/index.js';
import { parseServerArgs, serveControl } from './control.js';

const args = parseServerArgs(process.argv.slice(2));

let open = 0;
// Our server accepts permessage-deflate by default; without --deflate it is turned off, as in ws-echo.
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
  serveControl('wscope', port, args.deflate, () => open);
});
