/**
 * `wscope record convert IN OUT` and replaying our own HAR, with the real CLI: a session recorded
 * by `wscope connect` as JSONL (--jsonl) and as HAR (--record) at once, converted both ways,
 * checked by a HAR reader that is not ours (har-validator), and replayed from the HAR.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { WebSocketServer as WsServer } from 'ws';
import { decodeJsonl, type TraceEvent } from '../../src/index.js';
import { assertDevToolsMessages, readValidHar } from '../record/helpers.js';
import { CliProcess, killAll, runCli, tempDir } from './helpers.js';

const dir = tempDir();
after(() => dir.remove());
afterEach(() => killAll());

/** The handshake's time and start come back from HAR's startedDateTime to the millisecond only. */
function comparable(events: TraceEvent[]): unknown[] {
  return events.map((event) => (event.event === 'handshake' ? { ...event, time: undefined, start: Math.floor(event.start * 1000) } : event));
}

describe('wscope record convert', { timeout: 60_000 }, () => {
  test('JSONL → HAR → JSONL gives the trace back; the HAR is valid HAR 1.2 and replays with --compare like the one --record wrote', async () => {
    const server = new WsServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      socket.on('ping', () => socket.send('pinged'));
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/feed?room=1`;
    try {
      const recordedHar = join(dir.path, 'recorded.har');
      const cli = new CliProcess(['connect', url, '--jsonl', '--record', recordedHar, '--slash', '-w', '0.3']);
      await cli.waitFor('stderr', /connected to/);
      cli.end('{"op":"hi"}\n/binary be00ff\n/ping hello\nlast ✓\n');
      const recorded = await cli.result(10_000);
      assert.equal(recorded.code, 0, recorded.stderr);
      const jsonl = join(dir.path, 'trace.jsonl');
      writeFileSync(jsonl, recorded.stdout);
      const original = decodeJsonl(recorded.stdout);

      const har = join(dir.path, 'converted.har');
      const toHar = await runCli(['record', 'convert', jsonl, har], undefined);
      assert.equal(toHar.code, 0, toHar.stderr);
      assert.equal(toHar.stderr, `converted 1 connection (${original.length} events) from JSONL to HAR: ${har}\n`);
      const parsed = await readValidHar(har);
      assert.equal(parsed.log.entries.length, 1);
      assertDevToolsMessages(parsed.log.entries[0]!);
      // The same HAR the recorder wrote during the session, but for the file's own creator and comment.
      assert.deepEqual(parsed.log.entries, (await readValidHar(recordedHar)).log.entries);

      const back = join(dir.path, 'back.jsonl');
      const toJsonl = await runCli(['record', 'convert', har, back], undefined);
      assert.equal(toJsonl.code, 0, toJsonl.stderr);
      assert.deepEqual(comparable(decodeJsonl(readFileSync(back, 'utf8'))), comparable(original));

      for (const file of [har, recordedHar]) {
        const replayed = await runCli(['replay', file, '--target', url, '--compare', '--speed', 'max', '--binary-view', 'hex'], undefined);
        assert.equal(replayed.code, 0, `${file}: ${replayed.stderr}`);
        assert.equal(replayed.stdout, '{"op":"hi"}\nbe00ff\npinged\nlast ✓\n');
        assert.match(replayed.stderr, /connection 1: 4 replies and the close code match the recording/);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('bad arguments and files: an OUT without .har or .jsonl is a usage error (2); an unreadable or invalid IN, or an unwritable OUT, is 12', async () => {
    const jsonl = join(dir.path, 'one.jsonl');
    writeFileSync(jsonl, '{"time":1,"conn":1,"event":"error","dir":"in","code":"ECONNREFUSED","message":"refused","url":"ws://127.0.0.1:9/"}\n');
    const noExtension = await runCli(['record', 'convert', jsonl, join(dir.path, 'out.txt')], undefined);
    assert.equal(noExtension.code, 2);
    assert.match(noExtension.stderr, /^error: '.*out\.txt' needs the extension \.har or \.jsonl, which says the format to write\n/);
    const broken = join(dir.path, 'broken.har');
    writeFileSync(broken, '{"log":');
    const notJson = await runCli(['record', 'convert', broken, join(dir.path, 'x.jsonl')], undefined);
    assert.equal(notJson.code, 12);
    assert.match(notJson.stderr, /^error: .*broken\.har: not a HAR file: not JSON \(.*\)\n$/);
    const unwritable = await runCli(['record', 'convert', jsonl, join(dir.path, 'missing', 'x.har')], undefined);
    assert.equal(unwritable.code, 12);
    assert.match(unwritable.stderr, /^error: .*x\.har: cannot write it: ENOENT/);
    // A trace of a connection that never opened still converts: the HAR keeps the attempt and its error.
    const har = join(dir.path, 'refused.har');
    const refused = await runCli(['record', 'convert', jsonl, har], undefined);
    assert.equal(refused.code, 0, refused.stderr);
    assert.equal((await readValidHar(har)).log.entries[0]!.request.url, 'ws://127.0.0.1:9/');
  });
});
