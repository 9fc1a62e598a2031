/**
 * `wscope mock FILE`: the real CLI serving a file, driven by `ws` clients (and ours where frames
 * must be seen): greetings, templated replies, regex rules, pushes, closes, faults, 404s,
 * subprotocols, and what a bad file or a taken port does.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { WebSocket as WsClient } from 'ws';
import { type ObservedFrame, WebSocket } from '../../src/index.js';
import { eventually, killAll, runCli, sleep, tempDir } from './helpers.js';
import { cleanUpMocks, connectClient, handshakeStatus, startMock } from './mock-peers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

const CHAT = `
env:
  default: { user: alice }
messages:
  welcome: { json: { type: welcome, user: "{{user}}" } }
mock:
  /chat:
    onConnect:
      - welcome
      - { text: "you are #{{connection.id}}" }
    on:
      - match: { json: { type: hello } }
        reply: { json: { type: hello, id: "{{message.id}}", to: "{{message.user.name}}" } }
      - match: { regex: "^ping (?<n>\\\\d+)$" }
        reply: { text: "pong {{match.n}} ({{match.0}})" }
      - match: { contains: quiet }
    unmatched: { reply: { text: "unknown: {{message.text}}" } }
`;

describe('wscope mock', { timeout: 90_000 }, () => {
  test('greets on connect, answers JSON with its fields, regex rules with their groups, the first rule that matches', async () => {
    const mock = await startMock(CHAT);
    await mock.cli.waitFor('stderr', /ws:\/\/127\.0\.0\.1:\d+\/chat {2}2 on connect; 3 rules; answers unmatched messages/);
    const client = await connectClient(mock.url('/chat'));
    await eventually(() => client.messages.length === 2, 'the two greetings');
    assert.deepEqual(client.texts(), ['{"type":"welcome","user":"alice"}', 'you are #1']);

    client.ws.send(JSON.stringify({ type: 'hello', id: 42, user: { name: 'bob' } }));
    await eventually(() => client.messages.length === 3, 'the hello reply');
    // A whole-string template keeps the value's type: the id stays a number.
    assert.deepEqual(JSON.parse(client.texts()[2]!), { type: 'hello', id: 42, to: 'bob' });

    client.ws.send('ping 7');
    client.ws.send('quiet please');
    client.ws.send('what?');
    await eventually(() => client.messages.length === 5, 'the pong and the unmatched reply');
    // "quiet please" matched a rule with no reply: nothing, and the unmatched answer was not used for it.
    assert.deepEqual(client.texts().slice(3), ['pong 7 (ping 7)', 'unknown: what?']);

    // The log: the connection, each message in (a record on stdout in a pipe) and out (stderr).
    await mock.cli.waitFor('stderr', /> #1 unknown: what\?/);
    assert.match(mock.cli.stderr, /#1 connected from 127\.0\.0\.1:\d+ \/chat\n/);
    assert.match(mock.cli.stderr, /> #1 \{"type":"welcome","user":"alice"\}\n> #1 you are #1\n/);
    // stdout and stderr are two pipes: each is read on its own time.
    await mock.cli.waitFor('stdout', /#1 ping 7\n#1 quiet please\n#1 what\?\n/);
    assert.match(mock.cli.stderr, /#1 no rule matched\n/);
    client.ws.close(1000);
    await mock.cli.waitFor('stderr', /#1 closed 1000 Normal Closure/);
  });

  test('a path nobody configured gets 404 at the handshake; /chat/* serves one segment; protocols are chosen per path', async () => {
    const mock = await startMock(`
mock:
  /rooms/*:
    protocols: [chat.v2, chat.v1]
    onConnect: [{ text: "room {{connection.path}} {{connection.query.user}} {{connection.protocol}}" }]
  /rooms/lobby:
    onConnect: [{ text: "the lobby" }]
  /files/**:
    onConnect: [{ text: "files" }]
`);
    const status = await handshakeStatus(mock.url('/nope'));
    assert.equal(status, 404);
    await mock.cli.waitFor('stderr', /rejected 127\.0\.0\.1:\d+ \/nope: 404 no mock at \/nope \(the file serves \/rooms\/\*, \/rooms\/lobby, \/files\/\*\*\)/);
    // An exact path wins over a pattern written before it.
    const lobby = await connectClient(mock.url('/rooms/lobby'));
    await eventually(() => lobby.messages.length === 1, 'the lobby greeting');
    assert.deepEqual(lobby.texts(), ['the lobby']);

    const room = await connectClient(mock.url('/rooms/blue?user=ann'), ['chat.v1', 'chat.v2']);
    assert.equal(room.ws.protocol, 'chat.v2');
    await eventually(() => room.messages.length === 1, 'the room greeting');
    assert.deepEqual(room.texts(), ['room /rooms/blue ann chat.v2']);
    await mock.cli.waitFor('stderr', /#2 connected from 127\.0\.0\.1:\d+ \/rooms\/blue\?user=ann, route \/rooms\/\*, subprotocol chat\.v2/);
    // A client that offers none is served without one; one that offers only others is told why it is refused.
    const plain = await connectClient(mock.url('/rooms/red'));
    assert.equal(plain.ws.protocol, '');
    const other = await handshakeStatus(mock.url('/rooms/red'), ['other']);
    assert.equal(other, 400);
    await mock.cli.waitFor('stderr', /rejected 127\.0\.0\.1:\d+ \/rooms\/red: 400 \/rooms\/\* speaks chat\.v2, chat\.v1; the client offered other/);

    const deep = await connectClient(mock.url('/files/a/b/c'));
    await eventually(() => deep.messages.length === 1, 'the files greeting');
    const status2 = await handshakeStatus(mock.url('/rooms/a/b'));
    assert.equal(status2, 404, '/rooms/* is one segment only');
    const status3 = await handshakeStatus(mock.url('/rooms/'));
    assert.equal(status3, 404, '/rooms/* needs the segment to be there');
  });

  test('pushes every interval, counted over a bounded time; times: stops them', async () => {
    const mock = await startMock(`
mock:
  /ticks:
    push:
      - every: 100ms
        send: { json: { tick: "{{connection.id}}" } }
      - every: 50ms
        send: { text: "three" }
        times: 3
`);
    const client = await connectClient(mock.url('/ticks'));
    const start = performance.now();
    await sleep(1050);
    const elapsed = performance.now() - start;
    const ticks = client.messages.filter((m) => m.text === '{"tick":1}' && m.at - start <= elapsed).length;
    // 10 expected in 1050 ms; a loaded machine (timers fire late) may lose some, never gain.
    assert.ok(ticks >= 5 && ticks <= 11, `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
    assert.equal(client.texts().filter((t) => t === 'three').length, 3);
  });

  test('closes with a code after N messages, after the last reply; close: as a reply; abort cuts TCP', async () => {
    const mock = await startMock(`
mock:
  /limited:
    unmatched: echo
    closeAfter: { messages: 3, code: 4001, reason: enough }
  /bye:
    on:
      - match: { text: bye }
        reply: { text: "see you" }
        close: { code: 3000, reason: "as asked" }
  /crash:
    on:
      - match: { text: crash }
        abort: true
`);
    const limited = await connectClient(mock.url('/limited'));
    for (const text of ['a', 'b', 'c']) limited.ws.send(text);
    assert.deepEqual(await limited.closed, { code: 4001, reason: 'enough' });
    assert.deepEqual(limited.texts(), ['a', 'b', 'c']);
    await mock.cli.waitFor('stderr', /#1 closing with 4001 Private Use: "enough" \(closeAfter: 3 messages\)/);

    const bye = await connectClient(mock.url('/bye'));
    bye.ws.send('bye');
    assert.deepEqual(await bye.closed, { code: 3000, reason: 'as asked' });
    assert.deepEqual(bye.texts(), ['see you']);

    const crash = await connectClient(mock.url('/crash'));
    crash.ws.send('crash');
    assert.equal((await crash.closed).code, 1006);
    await mock.cli.waitFor('stderr', /#3 cutting the connection \(abort: no Close frame\)/);
  });

  test('a close code the API refuses goes out raw, so a client meets a server that sends one', async () => {
    const mock = await startMock(`
mock:
  /bad:
    closeAfter: { messages: 0, code: 1005 }
`);
    // RFC 6455 §7.4.1: 1005 "MUST NOT be set as a status code in a Close control frame": ws fails the connection with 1002.
    const ws = new WsClient(mock.url('/bad'));
    const error = await new Promise<Error & { code?: string }>((resolve) => ws.on('error', resolve));
    assert.equal(error.code, 'WS_ERR_INVALID_CLOSE_CODE');
    await mock.cli.waitFor('stderr', /#1 closing with 1005 No Status Rcvd \(closeAfter: 0 messages\)/);
  });

  test('delay: holds a reply (measured loosely); drop: sends nothing, and the next reply still comes', async () => {
    const mock = await startMock(`
mock:
  /slow:
    on:
      - match: { text: slow }
        reply: { text: "late" }
        delay: 400ms
      - match: { text: lost }
        reply: { text: "never" }
        drop: true
      - match: { text: coin }
        reply: { text: "heads" }
        drop: 0.5
    unmatched: echo
`);
    const client = await connectClient(mock.url('/slow'));
    const sent = performance.now();
    client.ws.send('slow');
    client.ws.send('fast');
    await eventually(() => client.messages.length === 2, 'both replies');
    const [fast, late] = client.messages;
    assert.equal(fast!.text, 'fast', 'the undelayed reply overtakes the delayed one');
    assert.equal(late!.text, 'late');
    const waited = late!.at - sent;
    assert.ok(waited >= 390 && waited < 2000, `the delayed reply came after ${waited.toFixed(0)} ms`);
    await mock.cli.waitFor('stderr', /> #1 late \(after 400 ms\)/);

    client.ws.send('lost');
    client.ws.send('after');
    await eventually(() => client.messages.length === 3, 'the reply after the dropped one');
    await sleep(100);
    assert.deepEqual(client.texts().slice(2), ['after']);
    await mock.cli.waitFor('stderr', /#1 dropped \(drop:\): never/);

    // drop: 0.5 over 200 messages: some replies, not all (outside 50-150 has a chance below 1e-12).
    for (let i = 0; i < 200; i++) client.ws.send('coin');
    client.ws.send('after');
    await eventually(() => client.texts().at(-1) === 'after' && client.messages.length > 3, 'the reply after the coins');
    const heads = client.texts().filter((t) => t === 'heads').length;
    assert.ok(heads >= 50 && heads <= 150, `${heads} of 200 replies were sent`);
  });

  test('fragment: N cuts a reply into frames of N bytes, seen as frames by our client and whole by ws', async () => {
    const mock = await startMock(`
mock:
  /frag:
    on:
      - match: { text: go }
        reply: { text: "abcdefghij" }
        fragment: 3
      - match: { text: accents }
        reply: { text: "héé" }
        fragment: 2
`);
    const ours = new WebSocket(mock.url('/frag'));
    const frames: ObservedFrame[] = [];
    const messages: string[] = [];
    ours.on('frame', (frame: ObservedFrame) => {
      if (frame.direction === 'in') frames.push(frame);
    });
    ours.on('message', (data: Buffer) => messages.push(data.toString()));
    await new Promise((resolve) => ours.once('open', resolve));
    ours.send('go');
    ours.send('accents');
    await eventually(() => messages.length === 2, 'both fragmented replies');
    ours.close();
    const shape = frames.filter((f) => f.opcode !== 8).map((f) => `${f.opcode}:${f.fin ? 'fin' : '-'}:${f.payloadLength}`);
    assert.deepEqual(shape, ['1:-:3', '0:-:3', '0:-:3', '0:fin:1', '1:-:2', '0:-:2', '0:fin:1']);
    // "héé" is 5 bytes: é is cut between frames, and the whole message is still valid UTF-8 (RFC 6455 §8.1).
    assert.deepEqual(messages, ['abcdefghij', 'héé']);
    await mock.cli.waitFor('stderr', /> #1 abcdefghij \(in 4 frames\)/);

    const ws = await connectClient(mock.url('/frag'));
    ws.ws.send('go');
    await eventually(() => ws.messages.length === 1, 'the reply, reassembled by ws');
    assert.deepEqual(ws.texts(), ['abcdefghij']);
  });

  test('a file invalid at start: exit 12 and one line naming file:line and the mistake', async () => {
    const dir = tempDir();
    try {
      const file = `${dir.path}/bad.wscope.yaml`;
      writeFileSync(file, 'mock:\n  /a:\n    on:\n      - match: { text: x }\n        reply: { text: y }\n        delai: 1s\n');
      const bad = await runCli(['mock', file, '--port', '0'], undefined);
      assert.equal(bad.code, 12);
      assert.equal(bad.stderr, `error: ${file}:6:16: mock./a.on[0]: unknown key "delai" (expected match, reply, echo, close, abort, delay, fragment, drop)\n`);

      writeFileSync(file, 'mock:\n  /a:\n    onConnect: [ { text: x }\n');
      const syntax = await runCli(['mock', file, '--port', '0'], undefined);
      assert.equal(syntax.code, 12);
      assert.match(syntax.stderr, new RegExp(`^error: ${file}:4:1: Flow sequence .+\\n$`));

      writeFileSync(file, 'mock:\n  /a:\n    on:\n      - match: { text: x }\n        reply: greeting\n');
      const unnamed = await runCli(['mock', file, '--port', '0'], undefined);
      assert.equal(unnamed.code, 12);
      assert.equal(unnamed.stderr, `error: ${file}:5:16: mock./a.on[0].reply: no message is named "greeting" (the file has no messages:)\n`);

      const missing = await runCli(['mock', `${dir.path}/none.yaml`, '--port', '0'], undefined);
      assert.equal(missing.code, 12);
      assert.equal(missing.stderr, `error: ${dir.path}/none.yaml:1:1: cannot read the file: ENOENT\n`);
    } finally {
      dir.remove();
    }
  });

  test('a port already taken: exit 9', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const dir = tempDir();
      writeFileSync(`${dir.path}/a.yaml`, 'mock:\n  /a: {}\n');
      const result = await runCli(['mock', `${dir.path}/a.yaml`, '--port', String(port)], undefined);
      dir.remove();
      assert.equal(result.code, 9);
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1 port ${port}: .*EADDRINUSE`));
    } finally {
      taken.close();
    }
  });
});
