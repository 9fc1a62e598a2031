/**
 * The Recorder on the public API, in one process where both ends of a connection are traced (as
 * in the proxy): the `connections` filter chooses which go in, and a bad name or path fails
 * before any traffic.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJsonl, WebSocket } from '../../src/index.js';
import { Recorder, RecordFileError } from '../../src/record/index.js';
import { tempDir } from '../cli/helpers.js';
import { closed, echoServer, messages } from '../node/helpers.js';
import { readValidHar } from './helpers.js';

describe('Recorder', { timeout: 20_000 }, () => {
  test('both ends in one process: the HAR keeps the server side only (connections filter), the JSONL both', async () => {
    const dir = tempDir();
    const { server, url } = await echoServer();
    const har = new Recorder(join(dir.path, 'server-side.har'), { connections: (handshake) => handshake.role === 'server', handleExit: false });
    const jsonl = new Recorder(join(dir.path, 'both.jsonl'));
    try {
      const client = new WebSocket(url);
      await new Promise((resolve) => client.once('open', resolve));
      const echoed = messages(client, 1);
      client.send('ping me');
      await echoed;
      client.close(1000);
      await closed(client);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      har.close();
      jsonl.close();
      await server.close();
    }
    const { entries } = (await readValidHar(join(dir.path, 'server-side.har'))).log;
    assert.deepEqual(
      entries.map((e) => e._wscope.role),
      ['server'],
    );
    assert.deepEqual(
      entries[0]?._webSocketMessages.map((m) => [m.type, m.data]),
      [
        ['send', 'ping me'],
        ['receive', 'ping me'],
      ],
    );
    const roles = decodeJsonl(readFileSync(join(dir.path, 'both.jsonl'), 'utf8')).flatMap((e) => (e.event === 'handshake' ? [e.role] : []));
    assert.deepEqual(roles.sort(), ['client', 'server']);
    dir.remove();
  });

  test('a name without .har or .jsonl, or a path that cannot be written: RecordFileError, nothing subscribed', () => {
    const dir = tempDir();
    try {
      assert.throws(
        () => new Recorder(join(dir.path, 'x.json')),
        (error: unknown) => error instanceof RecordFileError && error.reason === 'format' && /\.har or \.jsonl/.test(error.message),
      );
      assert.throws(
        () => new Recorder(join(dir.path, 'no', 'x.har')),
        (error: unknown) => error instanceof RecordFileError && error.reason === 'write' && /ENOENT/.test(error.message),
      );
    } finally {
      dir.remove();
    }
  });
});
