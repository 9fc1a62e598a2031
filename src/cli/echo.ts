/**
 * --echo: every message goes back to its sender, and reading waits while the echoes cannot
 * leave. A peer that sends without reading then meets TCP's own flow control instead of
 * growing our memory by what it sent.
 */
import type { Buffer } from 'node:buffer';
import type { WebSocket } from '../index.js';

export function echoMessages(socket: WebSocket): void {
  let paused = false;
  socket.on('drain', () => {
    if (!paused) return;
    paused = false;
    socket.resume();
  });
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.send(data, { binary: isBinary }) || paused) return;
    paused = true;
    socket.pause();
  });
}
