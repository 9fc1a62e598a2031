/**
 * The README's echo server and client, run as written: each ```js block is saved in a temp dir
 * whose node_modules/wscope links to this package (so `from 'wscope'` loads the build through
 * package.json's exports) and started as its own process. The only edit is the port: 8765
 * becomes a free port, and the server listens on loopback.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function snippets(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

async function listening(port: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const socket = netConnect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port} after ${ms} ms`);
}

test('README: the echo server and the client work as written', { timeout: 20_000 }, async () => {
  const blocks = snippets();
  const serverCode = blocks.find((code) => code.includes('new WebSocketServer'));
  const clientCode = blocks.find((code) => code.includes('await connect(') && !code.includes('new WebSocketServer'));
  assert.ok(serverCode && clientCode, 'README has an echo server block and a client block');
  // The trace block (indented in its list item) runs inside the echo server: its events go to stderr.
  const traceCode = blocks.find((code) => code.includes('TRACE_CHANNEL'))?.replace(/^ {2}/gm, '');
  assert.ok(traceCode, 'README has a trace subscriber block');

  const port = await freePort();
  const serverFile = `${traceCode}\n${serverCode.replace('{ port: 8765 }', `{ port: ${port}, host: '127.0.0.1' }`)}`;
  const clientFile = clientCode.replace('ws://127.0.0.1:8765/', `ws://127.0.0.1:${port}/`);
  assert.notEqual(serverFile, serverCode, 'the server block listens on port 8765');
  assert.notEqual(clientFile, clientCode, 'the client block connects to 127.0.0.1:8765');

  const dir = mkdtempSync(join(tmpdir(), 'wscope-readme-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'wscope'), 'dir');
  writeFileSync(join(dir, 'server.mjs'), serverFile);
  writeFileSync(join(dir, 'client.mjs'), clientFile);

  const server = spawn(process.execPath, ['server.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverStderr = '';
  server.stderr.on('data', (chunk: Buffer) => (serverStderr += chunk.toString()));
  try {
    await listening(port, 10_000).catch((error: Error) => assert.fail(`${error.message}\n${serverStderr}`));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, ['client.mjs'], { cwd: dir, timeout: 10_000 }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(stderr, '');
    assert.equal(code, 0, 'the client exits once the connection has closed');
    assert.equal(stdout, 'hello\n', "the client prints the server's echo");
    // The server's side of that conversation, as the trace subscriber wrote it.
    const deadline = performance.now() + 5000;
    while (!serverStderr.includes('"event":"close"') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const events = serverStderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; dir: string; data?: string; code?: number });
    assert.deepEqual(
      events.map((e) => [e.event, e.dir, e.event === 'close' ? e.code : e.data]),
      [
        ['handshake', 'in', undefined],
        ['message', 'in', 'hello'],
        ['message', 'out', 'hello'],
        ['close', 'in', 1000],
      ],
    );
  } finally {
    server.kill();
    await new Promise((r) => (server.exitCode !== null || server.signalCode !== null ? r(undefined) : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});
