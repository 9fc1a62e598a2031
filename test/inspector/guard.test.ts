/**
 * Who may reach the inspector (issue 10's security): plain HTTP requests and WebSocket upgrades
 * against a real `wscope inspect`, each without the token, with a foreign Host (DNS rebinding)
 * or, on the socket, a foreign or missing Origin (a cross-site page): 403. And the same requests
 * done right get the page, the bundle and a 101.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { answeringServer, CliProcess, killAll, runCli, tempDir } from '../cli/helpers.js';
import { inspectorUrl } from './helpers.js';

function get(port: number, path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The status of a WebSocket upgrade: 101 when it opens, else the HTTP status of the refusal. */
function upgradeStatus(port: number, path: string, headers: { host?: string; origin?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WsClient(`ws://127.0.0.1:${port}${path}`, {
      headers: { ...(headers.host && { host: headers.host }) },
      ...(headers.origin && { origin: headers.origin }),
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

describe('the inspector refuses whoever lacks the token, the Host or the Origin', { timeout: 30_000 }, () => {
  const dir = tempDir();
  let cli: CliProcess;
  let port: number;
  let token: string;

  before(async () => {
    const peer = await answeringServer((text, socket) => socket.send(text));
    const file = join(dir.path, 'g.jsonl');
    assert.equal((await runCli(['connect', peer.url, '--record', file, '-w', '0.2'], 'hi\n')).code, 0);
    await peer.server.close();
    cli = new CliProcess(['inspect', file]);
    const url = await inspectorUrl(cli, 'stdout');
    port = Number(url.port);
    token = url.searchParams.get('token')!;
    assert.match(token, /^[\w-]{24}$/);
  });
  after(() => {
    killAll();
    dir.remove();
  });

  test('the page and its bundle: with the token and a loopback Host only', async () => {
    const page = await get(port, `/?token=${token}`, `127.0.0.1:${port}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<script type="module" src="\/page\.js\?token=/);
    assert.equal(page.headers['access-control-allow-origin'], undefined);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.equal((await get(port, `/?token=${token}`, `localhost:${port}`)).status, 200);
    assert.equal((await get(port, `/page.js?token=${token}`, `127.0.0.1:${port}`)).status, 200);

    assert.equal((await get(port, '/', `127.0.0.1:${port}`)).status, 403);
    assert.equal((await get(port, '/page.js', `127.0.0.1:${port}`)).status, 403);
    assert.equal((await get(port, '/export.har', `127.0.0.1:${port}`)).status, 403);
    assert.equal((await get(port, `/export.jsonl?token=${token}`, `evil.example:${port}`)).status, 403);
    assert.equal((await get(port, `/export.jsonl?token=${token}`, `127.0.0.1:${port}`)).status, 200);
    assert.equal((await get(port, `/?token=${token.slice(1)}x`, `127.0.0.1:${port}`)).status, 403);
    const rebound = await get(port, `/?token=${token}`, `evil.example:${port}`);
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /answers only to the host in the URL wscope printed/);
    assert.equal((await get(port, `/?token=${token}`, `127.0.0.1:${port + 1}`)).status, 403);
  });

  test('the socket: with the token, a loopback Host and the same Origin only', async () => {
    const origin = `http://127.0.0.1:${port}`;
    assert.equal(await upgradeStatus(port, `/socket?token=${token}`, { origin }), 101);
    assert.equal(await upgradeStatus(port, `/socket?token=${token}`, { origin: 'http://evil.example' }), 403);
    assert.equal(await upgradeStatus(port, `/socket?token=${token}`, { origin: `http://localhost:${port}` }), 403);
    assert.equal(await upgradeStatus(port, `/socket?token=${token}`, {}), 403);
    assert.equal(await upgradeStatus(port, '/socket', { origin }), 403);
    assert.equal(await upgradeStatus(port, `/socket?token=${token}`, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }), 403);
  });
});
