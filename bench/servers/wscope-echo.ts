/**
 * Our echo server, written as a user would write it against the public API.
 *
 *   node dist/bench/servers/wscope-echo.js 9001 [--deflate]
 */
import { WebSocketServer, type ServerOptions } from '../../src/index.js';
import { parseServerArgs, serveControl } from './control.js';

const args = parseServerArgs(process.argv.slice(2));

let open = 0;
// permessage-deflate is asked for by name, so this file builds before and after the option
// exists; the harness checks the handshake to see whether it was really negotiated.
const options: ServerOptions & { perMessageDeflate?: boolean } = { port: args.port, host: args.host };
if (args.deflate) options.perMessageDeflate = true;
const server = new WebSocketServer(options);
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
