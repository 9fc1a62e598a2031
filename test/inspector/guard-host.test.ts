/**
 * --inspect-host (issue 10's security): the inspector binds elsewhere than 127.0.0.1 only when
 * asked, warns when that is reachable by others, names the host in its URL and answers to it in
 * the Host check, which still refuses a foreign Host (DNS rebinding) with 403.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { answeringServer, CliProcess, freePort, killAll, runCli, tempDir } from '../cli/helpers.js';
import { inspectorUrl } from './helpers.js';

/** GET `path` from `address` (where the TCP connection goes) with this Host header. */
function get(address: string, port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgradeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WsClient(url, { origin });
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

async function listenInspecting(host: string): Promise<{ cli: CliProcess; url: URL }> {
  const cli = new CliProcess(['listen', String(await freePort()), '--inspect', '--inspect-host', host]);
  return { cli, url: await inspectorUrl(cli, 'stderr') };
}

describe('--inspect-host', { timeout: 40_000 }, () => {
  const dir = tempDir();
  after(() => {
    killAll();
    dir.remove();
  });

  test('127.0.0.1: the default, said again; no warning', async () => {
    const { cli, url } = await listenInspecting('127.0.0.1');
    assert.equal(url.hostname, '127.0.0.1');
    const token = url.searchParams.get('token')!;
    assert.equal((await get('127.0.0.1', Number(url.port), `/?token=${token}`, url.host)).status, 200);
    assert.doesNotMatch(cli.stderr, /warning/);
    cli.kill();
  });

  test('::1: served on [::1], its URL names it, Host [::1]:PORT passes and a foreign Host is 403', async () => {
    const { cli, url } = await listenInspecting('::1');
    const port = Number(url.port);
    const token = url.searchParams.get('token')!;
    assert.equal(url.host, `[::1]:${port}`);
    assert.equal((await get('::1', port, `/?token=${token}`, `[::1]:${port}`)).status, 200);
    assert.equal((await get('::1', port, `/page.js?token=${token}`, `[::1]:${port}`)).status, 200);
    assert.equal((await get('::1', port, `/?token=${token}`, `evil.example:${port}`)).status, 403);
    assert.equal((await get('::1', port, `/`, `[::1]:${port}`)).status, 403);
    assert.equal(await upgradeStatus(`ws://[::1]:${port}/socket?token=${token}`, `http://[::1]:${port}`), 101);
    assert.equal(await upgradeStatus(`ws://[::1]:${port}/socket?token=${token}`, 'http://evil.example'), 403);
    // Bound to ::1 only: not on 127.0.0.1.
    await assert.rejects(get('127.0.0.1', port, `/?token=${token}`, `127.0.0.1:${port}`), /ECONNREFUSED/);
    assert.doesNotMatch(cli.stderr, /warning/);
    cli.kill();
  });

  test('another address (127.0.0.2, loopback on Linux): the URL names it and the Host check answers to it', async () => {
    const { cli, url } = await listenInspecting('127.0.0.2');
    const port = Number(url.port);
    const token = url.searchParams.get('token')!;
    assert.equal(url.host, `127.0.0.2:${port}`);
    assert.equal((await get('127.0.0.2', port, `/?token=${token}`, `127.0.0.2:${port}`)).status, 200);
    assert.equal(await upgradeStatus(`ws://127.0.0.2:${port}/socket?token=${token}`, `http://127.0.0.2:${port}`), 101);
    assert.equal((await get('127.0.0.2', port, `/?token=${token}`, `127.0.0.3:${port}`)).status, 403);
    cli.kill();
  });

  test('localhost works', async () => {
    const { cli, url } = await listenInspecting('localhost');
    assert.equal(url.hostname, 'localhost');
    const token = url.searchParams.get('token')!;
    assert.equal((await get('localhost', Number(url.port), `/?token=${token}`, url.host)).status, 200);
    cli.kill();
  });

  test('0.0.0.0: a warning that others can read and send; loopback still answers, a foreign Host is still 403', async () => {
    const { cli, url } = await listenInspecting('0.0.0.0');
    const port = Number(url.port);
    const token = url.searchParams.get('token')!;
    assert.match(
      cli.stderr,
      /^warning: the inspector is served on 0\.0\.0\.0: anyone who can reach it and has the token in its URL can read this session and send on it$/m,
    );
    assert.equal(url.host, `127.0.0.1:${port}`);
    assert.equal((await get('127.0.0.1', port, `/?token=${token}`, `127.0.0.1:${port}`)).status, 200);
    assert.equal((await get('127.0.0.1', port, `/?token=${token}`, `evil.example:${port}`)).status, 403);
    cli.kill();
  });

  test('wscope inspect --host 0.0.0.0: a recording, so the warning says read only', async () => {
    const peer = await answeringServer((text, socket) => socket.send(text));
    const file = join(dir.path, 'h.jsonl');
    assert.equal((await runCli(['connect', peer.url, '--record', file, '-w', '0.2'], 'hi\n')).code, 0);
    await peer.server.close();
    const cli = new CliProcess(['inspect', file, '--host', '0.0.0.0']);
    const url = await inspectorUrl(cli, 'stdout');
    assert.equal((await get('127.0.0.1', Number(url.port), `/?token=${url.searchParams.get('token')!}`, url.host)).status, 200);
    assert.match(cli.stderr, /^warning: the inspector is served on 0\.0\.0\.0: anyone who can reach it and has the token in its URL can read this session$/m);
    cli.kill();
  });

  test('a bad host, or --inspect-host without --inspect: one error line, exit 2', async () => {
    for (const args of [
      ['--inspect', '--inspect-host', 'evil.example'],
      ['--inspect', '--inspect-host', '1.2.3.4:80'],
      ['--inspect-host', '::1'],
    ]) {
      const result = await runCli(['listen', String(await freePort()), ...args], undefined);
      assert.equal(result.code, 2, args.join(' '));
      // One error line; the usage hint under it is the CLI's for every bad flag.
      assert.deepEqual(
        result.stderr
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('(run ')),
        [result.stderr.split('\n')[0]],
      );
      assert.match(result.stderr, /^error: .*(not an IP address or localhost|--inspect-host needs --inspect)/);
    }
  });
});
