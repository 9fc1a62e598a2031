/**
 * The composer's socket as anything holding the token could use it, and the page's socket kept
 * out of the session: forged commands (not JSON, an unknown type, close 1006, a binary frame...)
 * are answered with an error and nothing reaches the peer, while the CLI goes on; --jsonl with
 * --inspect prints the session's events only; a recording has no composer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CliProcess, eventually, freePort, killAll, runCli, sleep, tempDir } from '../cli/helpers.js';
import { forgedPageSocket, recordingWsServer } from './composer-peers.js';
import { inspectorUrl, launchChromium, messageRows } from './helpers.js';

const FORGED: Array<[string, string | Buffer, string | RegExp]> = [
  ['not JSON', 'send hello', /^not JSON: /],
  ['not an object', '[1,2]', 'a command is a JSON object'],
  ['no id', '{"type":"send","message":{"kind":"text","data":"x"}}', 'a command needs an "id": a non-negative integer'],
  ['an unknown type', '{"type":"launch","id":1}', 'unknown command type "launch"'],
  ['an unknown kind', '{"type":"send","id":2,"message":{"kind":"pong","data":""}}', 'unknown message kind "pong"'],
  ['close 1006', '{"type":"send","id":3,"message":{"kind":"close","code":1006,"reason":""}}', /^close code 1006 may not be sent: /],
  ['close 999', '{"type":"send","id":4,"message":{"kind":"close","code":999,"reason":""}}', /^close code 999 may not be sent: codes below 1000/],
  ['close 70000', '{"type":"send","id":5,"message":{"kind":"close","code":70000,"reason":""}}', /^close code 70000 may not be sent: not a 16-bit/],
  ['a long reason', `{"type":"send","id":6,"message":{"kind":"close","code":1000,"reason":"${'r'.repeat(124)}"}}`, /^the close reason is 124 bytes/],
  ['a long ping', `{"type":"send","id":7,"message":{"kind":"ping","data":"${'p'.repeat(126)}"}}`, /^the ping payload is 126 bytes/],
  ['bad base64', '{"type":"send","id":8,"message":{"kind":"binary","base64":"AB$="}}', 'a binary message needs "base64": its bytes in base64'],
  ['a "to" in connect mode', '{"type":"send","id":9,"to":3,"message":{"kind":"text","data":"x"}}', 'one connection here: a command names no "to"'],
  ['a bad "to"', '{"type":"send","id":10,"to":"everyone","message":{"kind":"text","data":"x"}}', '"to" is a connection id or "all"'],
  ['a binary frame', Buffer.from('{"type":"send","id":11}'), 'commands are JSON text messages'],
];

describe('the composer socket', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    killAll();
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    await browser?.close();
    dir.remove();
  });

  test('forged commands get an error reply, nothing reaches the peer, the CLI goes on', async () => {
    const peer = await recordingWsServer();
    cleanups.push(peer.close);
    const cli = new CliProcess(['connect', peer.url, '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await eventually(() => peer.received.messages.length === 0 && cli.stderr.includes('connected'), 'the CLI to connect');
    const forged = await forgedPageSocket(url);
    cleanups.push(async () => void forged.socket.terminate());
    for (const [what, frame, error] of FORGED) {
      const reply = await forged.ask(frame);
      const id = /"id":(\d+)/.exec(frame.toString())?.[1];
      assert.equal(reply['id'], id === undefined || Buffer.isBuffer(frame) ? null : Number(id), what);
      if (typeof error === 'string') assert.equal(reply['error'], error, what);
      else assert.match(String(reply['error']), error, what);
    }
    const ok = await forged.ask('{"type":"send","id":12,"message":{"kind":"binary","base64":"AP8="}}');
    assert.deepEqual(ok, { type: 'reply', id: 12 });
    await eventually(() => peer.received.messages.length === 1, 'the peer to receive the one valid command');
    assert.deepEqual(peer.received.messages, [{ data: Buffer.from([0x00, 0xff]), binary: true }]);
    assert.deepEqual(peer.received.closes, []);
    assert.equal(cli.child.exitCode, null);
    assert.equal(forged.socket.readyState, forged.socket.OPEN);
    cli.end();
    assert.equal((await cli.result(10_000)).code, 0);
  });

  test('listen mode: "to" is required, and names a client that is there', async () => {
    const port = await freePort();
    const cli = new CliProcess(['listen', String(port), '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /listening on port/);
    const forged = await forgedPageSocket(url);
    cleanups.push(async () => void forged.socket.terminate());
    const text = '"message":{"kind":"text","data":"x"}';
    assert.equal((await forged.ask(`{"type":"send","id":1,${text}}`))['error'], 'listen mode: "to" names a client connection or "all"');
    assert.equal((await forged.ask(`{"type":"send","id":2,"to":"all",${text}}`))['error'], 'no client connected: nothing sent');
    assert.equal((await forged.ask(`{"type":"send","id":3,"to":42,${text}}`))['error'], 'no client on connection 42: it has gone');
    assert.equal(cli.child.exitCode, null);
    cli.child.kill('SIGINT');
    await cli.result(10_000);
  });

  test('--jsonl with --inspect: stdout holds the session, not the page socket', async () => {
    const peer = await recordingWsServer();
    cleanups.push(peer.close);
    const cli = new CliProcess(['connect', peer.url, '--inspect', '--jsonl']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stdout', /"event":"handshake"/);
    // The page socket's own life: its handshake, the hello and history, a command and its reply.
    const forged = await forgedPageSocket(url);
    await forged.ask('{"type":"send","id":1,"message":{"kind":"text","data":"through the page"}}');
    await cli.waitFor('stdout', /"dir":"in".*through the page/);
    forged.socket.close();
    await sleep(200);
    cli.end();
    assert.equal((await cli.result(10_000)).code, 0);
    const events = cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { conn: number; event: string; url?: string; dir: string; data?: string });
    assert.deepEqual(
      events.filter((e) => e.event === 'handshake').map((e) => e.url),
      [peer.url],
    );
    assert.deepEqual([...new Set(events.map((e) => e.conn))], [events[0]!.conn]);
    assert.deepEqual(
      events.filter((e) => e.event === 'message').map((e) => [e.dir, e.data]),
      [
        ['out', 'through the page'],
        ['in', 'through the page'],
      ],
    );
  });

  test('a recording (wscope inspect FILE) has no composer, and its socket sends nothing', async () => {
    const peer = await recordingWsServer();
    cleanups.push(peer.close);
    const file = join(dir.path, 'r.jsonl');
    assert.equal((await runCli(['connect', peer.url, '--record', file, '-w', '0.5'], 'recorded\n')).code, 0);
    const cli = new CliProcess(['inspect', file]);
    const url = await inspectorUrl(cli, 'stdout');
    const page = await browser.newPage();
    let hello: Record<string, unknown> | undefined;
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as Record<string, unknown>;
        if (message['type'] === 'hello') hello = message;
      }),
    );
    await page.goto(url.href);
    await messageRows(page).filter({ hasText: 'recorded' }).nth(1).waitFor();
    assert.deepEqual(hello, { type: 'hello', mode: 'recording', title: file, canSend: false, clients: false });
    assert.equal(await page.getByRole('region', { name: 'Composer' }).count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).count(), 0);
    const forged = await forgedPageSocket(url);
    cleanups.push(async () => void forged.socket.terminate());
    const before = peer.received.messages.length;
    assert.deepEqual(await forged.ask('{"type":"send","id":1,"message":{"kind":"text","data":"x"}}'), {
      type: 'reply',
      id: 1,
      error: 'a recording: nothing to send on',
    });
    assert.equal(peer.received.messages.length, before);
    await page.close();
    cli.child.kill('SIGINT');
    await cli.result(10_000);
  });
});
