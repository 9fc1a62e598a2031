/**
 * A collection used from the interactive mode, under tmux as a person types: /messages lists
 * the file's messages, /send NAME reaches the server with its variables expanded, /save NAME
 * writes the last message into the file, whose comments and layout are read back unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer, type WebSocket } from '../../src/index.js';
import { eventually, killAllTmux, runCli, tempDir, TmuxCli } from './helpers.js';

const dir = tempDir();
after(() => {
  killAllTmux();
  dir.remove();
});

const FILE = `# The chat API's messages (kept in git)
env:
  default: { url: "ws://127.0.0.1:1", user: alice } # desk
messages:
  # the greeting every session starts with
  hello: { json: { type: hello, user: "{{user}}" } }
  bye: "bye {{user}}" # the farewell

scenarios:
  - name: greeting
    connect: "{{url}}"
    steps:
      - send: hello
`;

async function recordingServer(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const received: string[] = [];
  server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => received.push(data.toString('utf8'))));
  await server.ready();
  return { url: `ws://127.0.0.1:${server.address().port}`, received, close: () => server.close() };
}

test('/messages, /send NAME with --var, a typed line saved by /save NAME, a /send saved again with its template', async () => {
  const server = await recordingServer();
  const path = join(dir.path, 'chat.wscope.yaml');
  writeFileSync(path, FILE);
  const cli = new TmuxCli(['connect', server.url, '--collection', path, '--var', 'user=bob']);
  try {
    await cli.waitFor(/connected to/);
    cli.line('/messages');
    await cli.waitFor(/2 messages in .*chat\.wscope\.yaml:\n {2}hello {2}\{"json":\{"type":"hello","user":"\{\{user\}\}"\}\}\n {2}bye {4}"bye \{\{user\}\}"/);
    cli.line('/send hello');
    await eventually(() => server.received.length === 1, 'the server to get /send hello');
    assert.deepEqual(JSON.parse(server.received[0]!), { type: 'hello', user: 'bob' });
    cli.line('status please');
    await eventually(() => server.received.length === 2, 'the typed line');
    cli.line('/save status');
    await cli.waitFor(/saved status in .*: "status please"/);
    cli.line('/send bye');
    await eventually(() => server.received[2] === 'bye bob', 'the server to get /send bye');
    cli.line('/save farewell');
    await cli.waitFor(/saved farewell/);
    // Everything the file had is there as it was; the two messages come after the others, the /send one with its {{user}}.
    const expected = FILE.replace(
      '  bye: "bye {{user}}" # the farewell\n',
      '  bye: "bye {{user}}" # the farewell\n  status: status please\n  farewell: bye {{user}}\n',
    );
    assert.equal(readFileSync(path, 'utf8'), expected);
    cli.line('/send status');
    await eventually(() => server.received[3] === 'status please', 'the saved message sent by name');
    cli.line('/send nothing');
    await cli.waitFor(/no message is named "nothing" in .* \(messages: hello, bye, status, farewell\)/);
    cli.line('/quit');
    assert.equal(await cli.exitCode(), 0);
    // The file still runs as a scenario file.
    const run = await runCli(['run', path, '--var', `url=${server.url}`], undefined, { timeoutMs: 15_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  } finally {
    cli.kill();
    await server.close();
  }
});

test('a collection that cannot be used: one line and exit 12; --var without --collection: exit 2', async () => {
  const path = join(dir.path, 'broken.wscope.yaml');
  writeFileSync(path, 'messages:\n  hello: { json: 1, text: x }\n');
  const broken = await runCli(['connect', 'ws://127.0.0.1:1', '--collection', path], undefined);
  assert.equal(broken.code, 12, broken.stderr);
  assert.match(broken.stderr, /^error: .*broken\.wscope\.yaml:2:\d+: /m);
  const noFile = await runCli(['connect', 'ws://127.0.0.1:1', '--var', 'a=b'], undefined);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /--env and --var go with --collection FILE/);
});
