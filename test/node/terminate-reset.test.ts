/**
 * `terminate({ reset: true })`: the peer's TCP connection ends with a RST (it reads ECONNRESET),
 * not the FIN of a plain `terminate()`; either way it sees no Close frame (1006).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type WebSocket } from '../../src/index.js';
import { closed, echoServer } from './helpers.js';

async function peerSees(end: (client: WebSocket) => void): Promise<{ code: number; errors: string[] }> {
  const { server, url } = await echoServer();
  try {
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = await connect(url);
    const peer = await accepted;
    const errors: string[] = [];
    peer.on('error', (error: Error & { code?: string }) => errors.push(error.code ?? error.message));
    // Not `closed()`: events.once rejects on the 'error' this test expects.
    const outcome = new Promise<{ code: number }>((resolve) => peer.once('close', (code: number) => resolve({ code })));
    end(client);
    const { code } = await outcome;
    return { code, errors };
  } finally {
    server.close();
  }
}

test('terminate({ reset: true }) resets TCP: the peer reads ECONNRESET and closes with 1006', async () => {
  assert.deepEqual(await peerSees((client) => client.terminate({ reset: true })), { code: 1006, errors: ['ECONNRESET'] });
});

test('terminate() ends TCP with a FIN: 1006 and no error', async () => {
  assert.deepEqual(await peerSees((client) => client.terminate()), { code: 1006, errors: [] });
});

test('terminate({ reset: true }) on a closed socket does nothing', async () => {
  const { server, url } = await echoServer();
  try {
    const client = await connect(url);
    client.terminate();
    await closed(client);
    client.terminate({ reset: true });
    assert.equal(client.readyState, client.CLOSED);
  } finally {
    server.close();
  }
});
