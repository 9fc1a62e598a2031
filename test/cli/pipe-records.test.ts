/**
 * Pipe mode never alters a message: binary messages are their raw bytes (0xbe stays 0xbe), a
 * text message with a newline is written whole, and each case that breaks "one record per
 * message" is said once on stderr. Listen mode's records start with the client's ID.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as WsClient } from 'ws';
import type { WebSocketServer } from '../../src/index.js';
import { answeringServer, CliProcess, eventually, killAll, runCli } from './helpers.js';

const NOT_UTF8 = Buffer.from([0xbe, 0x00, 0xff, 0x41, 0x0a, 0xc3]);

let server: WebSocketServer;
let url: string;

before(async () => {
  ({ server, url } = await answeringServer((text, socket) => {
    if (text === 'binary') {
      socket.send(NOT_UTF8, { binary: true });
      socket.send(NOT_UTF8, { binary: true });
    }
    if (text === 'utf8 binary') socket.send(Buffer.from('plain bytes'), { binary: true });
    if (text === 'lines') {
      socket.send('first\nsecond');
      socket.send('third\nfourth');
    }
    if (text === 'nul') socket.send('a\0b');
  }));
});

after(async () => {
  killAll();
  await server.close();
});

afterEach(killAll);

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning:'));

describe('pipe output never alters a message', { timeout: 120_000 }, () => {
  test('a binary message that is not UTF-8 is written as its raw bytes, with one warning pointing at --base64 and --jsonl', async () => {
    const result = await runCli(['-c', url, '-w', '0.3'], 'binary\n');
    assert.deepEqual(result.stdoutBytes, Buffer.concat([NOT_UTF8, Buffer.from('\n'), NOT_UTF8, Buffer.from('\n')]));
    assert.deepEqual(warnings(result.stderr), [
      'warning: a binary message holds bytes that are not UTF-8 text: it is written as raw bytes (use --base64 or --binary-view hex for one text record per message, or --jsonl)',
    ]);
    assert.equal(result.code, 0);
  });

  test('--binary-view utf8 in a pipe is the raw bytes too (no U+FFFD); hex and base64 encode; UTF-8 bytes warn nothing', async () => {
    const utf8 = await runCli(['-c', url, '-w', '0.3', '--binary-view', 'utf8'], 'binary\n');
    assert.deepEqual(utf8.stdoutBytes, Buffer.concat([NOT_UTF8, Buffer.from('\n'), NOT_UTF8, Buffer.from('\n')]));
    const hex = await runCli(['-c', url, '-w', '0.3', '--binary-view', 'hex'], 'binary\n');
    assert.equal(hex.stdout, `${NOT_UTF8.toString('hex')}\n`.repeat(2));
    assert.deepEqual(warnings(hex.stderr), []);
    const base64 = await runCli(['-c', url, '-w', '0.3', '--base64'], `${Buffer.from('binary').toString('base64')}\n`);
    assert.equal(base64.stdout, `${NOT_UTF8.toString('base64')}\n`.repeat(2));
    const plain = await runCli(['-c', url, '-w', '0.3'], 'utf8 binary\n');
    assert.equal(plain.stdout, 'plain bytes\n');
    assert.deepEqual(warnings(plain.stderr), []);
  });

  test('a text message holding a newline is written whole; stderr says once that it spans records; --null keeps it one record', async () => {
    const result = await runCli(['-c', url, '-w', '0.3'], 'lines\n');
    assert.equal(result.stdout, 'first\nsecond\nthird\nfourth\n');
    assert.deepEqual(warnings(result.stderr), [
      'warning: a text message contains a newline, the record separator: it is written whole, as more than one record (use --null or --jsonl to keep messages apart)',
    ]);
    const nul = await runCli(['-c', url, '-w', '0.3', '--null'], 'lines\0');
    assert.equal(nul.stdout, 'first\nsecond\0third\nfourth\0');
    assert.deepEqual(warnings(nul.stderr), []);
    const nulInText = await runCli(['-c', url, '-w', '0.3', '--null'], 'nul\0');
    assert.equal(nulInText.stdout, 'a\0b\0');
    assert.match(warnings(nulInText.stderr)[0] ?? '', /contains a NUL byte, the record separator: .*\(use --jsonl/);
  });
});

describe('listen mode pipe output says which client each record belongs to', { timeout: 120_000 }, () => {
  test("'#ID ' then the message exactly, text and binary", async () => {
    const cli = new CliProcess(['listen', '0', '--host', '127.0.0.1']);
    const port = Number((await cli.waitFor('stderr', /listening on port (\d+)/))[1]);
    const open = async () => {
      const ws = new WsClient(`ws://127.0.0.1:${port}/`);
      await new Promise((resolve) => ws.once('open', resolve));
      return ws;
    };
    const a = await open();
    await cli.waitFor('stderr', /#1 connected/);
    const b = await open();
    await cli.waitFor('stderr', /#2 connected/);
    a.send('from a');
    await cli.waitFor('stdout', /from a\n/);
    b.send(Buffer.from([0xbe, 0xef]));
    await eventually(() => Buffer.concat(cli.stdoutBytes).length >= 'ID from a\n'.length + 6, 'the binary record');
    a.send('from a again');
    await cli.waitFor('stdout', /from a again\n/);
    assert.deepEqual(
      Buffer.concat(cli.stdoutBytes),
      Buffer.concat([Buffer.from('#1 from a\n#2 '), Buffer.from([0xbe, 0xef]), Buffer.from('\n#1 from a again\n')]),
    );
    a.terminate();
    b.terminate();
  });
});
