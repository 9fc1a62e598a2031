/**
 * The close outcome the core decides (`closeOutcome`): the code, reason and wasClean the adapter
 * reports in its close event, for each way a connection can end. Pure bytes, no sockets.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, type Connection } from '../../src/protocol/index.js';
import { clientFrame, connection, hex, outgoing, serverFrame } from './helpers.js';

/** A client and a server that went through the closing handshake the client started. */
function closedPair(code: number, reason: string): { client: Connection; server: Connection } {
  const client = connection('client');
  const server = connection('server');
  client.close(code, reason);
  server.receiveData(outgoing(client));
  client.receiveData(outgoing(server));
  return { client, server };
}

describe('closeOutcome', () => {
  test('no Close either way (TCP dropped): 1006, not clean, with the local reason if any', () => {
    const client = connection('client');
    assert.deepEqual(client.closeOutcome(), { code: 1006, reason: '', wasClean: false });
    assert.deepEqual(client.closeOutcome('no pong after 3 pings'), { code: 1006, reason: 'no pong after 3 pings', wasClean: false });
    client.receiveEof();
    assert.deepEqual(client.closeOutcome(), { code: 1006, reason: '', wasClean: false });
  });

  test('a completed closing handshake is clean, with the code and reason of the Close', () => {
    const { client, server } = closedPair(1000, 'bye');
    for (const side of [client, server]) assert.deepEqual(side.closeOutcome(), { code: 1000, reason: 'bye', wasClean: true });
  });

  test('an empty Close is 1005 (RFC 6455 §7.1.5), and still clean', () => {
    const server = connection('server');
    server.receiveData(clientFrame(Opcode.Close));
    outgoing(server);
    assert.deepEqual(server.closeOutcome(), { code: 1005, reason: '', wasClean: true });
  });

  test('the peer’s Close decides the code even when ours never left; then it is not clean', () => {
    const server = connection('server', { holdCloseReply: true });
    server.receiveData(clientFrame(Opcode.Close, hex('0fa1 676f6e65'))); // 4001 "gone"
    assert.deepEqual(server.closeOutcome(), { code: 4001, reason: 'gone', wasClean: false });
  });

  test('cut locally after the handshake (close timeout): the code stands, not clean', () => {
    const { client } = closedPair(1001, 'away');
    assert.deepEqual(client.closeOutcome('the server did not close the TCP connection'), { code: 1001, reason: 'away', wasClean: false });
  });

  test('our Close unanswered: 1006 with the local reason', () => {
    const client = connection('client');
    client.close(1000, 'bye');
    outgoing(client);
    assert.deepEqual(client.closeOutcome('the peer did not answer our Close frame'), {
      code: 1006,
      reason: 'the peer did not answer our Close frame',
      wasClean: false,
    });
  });

  test('we failed the connection: the code we sent, as the peer sees it', () => {
    const client = connection('client');
    // RFC 6455 §5.2: a frame from the server must not be masked.
    client.receiveData(clientFrame(Opcode.Text, 'x'));
    const sent = outgoing(client);
    assert.equal(sent[0], 0x88);
    const outcome = client.closeOutcome();
    assert.equal(outcome.code, 1002);
    assert.equal(outcome.wasClean, false);
    assert.match(outcome.reason, /mask/);
  });

  test('a failure still due (held back) has not sent its Close: nothing decided it, 1006', () => {
    const client = connection('client', { holdCloseReply: true });
    client.receiveData(serverFrame(0x3));
    assert.deepEqual(client.closeOutcome(), { code: 1006, reason: '', wasClean: false });
    client.answerClose();
    assert.equal(client.closeOutcome().code, 1002);
  });
});
