/**
 * A wscope server in a process of its own, for announced-length.test.ts (run with --serve): it listens on a free
 * port (printed as {"port": N}) with the default maxMessageSize (100 MiB), and answers each
 * line on stdin with {"connections", "errors", "arrayBuffers", "rss"} once it has collected
 * garbage, so what is still held is what the connections hold.
 */
import { createInterface } from 'node:readline';
import { WebSocketServer, type WebSocket } from '../../src/index.js';

// `node --test dist/test/` runs every file under test/ too: only serve when asked to.
if (!process.argv.includes('--serve')) process.exit(0);

const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
let connections = 0;
const errors: string[] = [];
server.on('connection', (socket: WebSocket) => {
  connections++;
  socket.on('error', (error: Error & { code?: string }) => errors.push(String(error.code ?? error.message)));
});
await server.ready();
console.log(JSON.stringify({ port: server.address().port }));
createInterface({ input: process.stdin }).on('line', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { arrayBuffers, rss } = process.memoryUsage();
  console.log(JSON.stringify({ connections, errors: errors.length, arrayBuffers, rss }));
});
process.stdin.once('end', () => process.exit(0));
