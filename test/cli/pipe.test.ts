/**
 * Pipe mode (stdin and stdout are not terminals), run as a real process against our own
 * WebSocketServer and against ws: lines in, messages out, nothing else on stdout, exit codes.
 */
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as connectNet, createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer as WsServer, type WebSocket as WsSocket } from 'ws';
import { WebSocketServer, Opcode, type WebSocket } from '../../src/index.js';
import { CliProcess, FIXTURES, freePort, killAll, runCli, sleep } from './helpers.js';

/** What the tests need of a server, whichever library runs it. */
interface TestServer {
  url: string;
  /** Messages received, as [text-or-hex, isBinary]. */
  received: Array<[string, boolean]>;
  /** Run this on every connection. */
  onConnection(handler: (peer: Peer) => void): void;
  close(): Promise<void>;
}

interface Peer {
  send(data: string | Buffer, binary: boolean): void;
  close(code: number, reason: string): void;
  terminate(): void;
  onMessage(handler: (data: Buffer, isBinary: boolean) => void): void;
}

async function ourServer(): Promise<TestServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  const received: Array<[string, boolean]> = [];
  const handlers: Array<(peer: Peer) => void> = [];
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => received.push([isBinary ? data.toString('hex') : data.toString(), isBinary]));
    const peer: Peer = {
      send: (data, binary) => socket.send(data, { binary }),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
      onMessage: (handler) => socket.on('message', handler),
    };
    for (const handler of handlers) handler(peer);
  });
  return { url: `ws://127.0.0.1:${server.address().port}/`, received, onConnection: (h) => handlers.push(h), close: () => server.close() };
}

async function wsServer(): Promise<TestServer> {
  const server = new WsServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const received: Array<[string, boolean]> = [];
  const handlers: Array<(peer: Peer) => void> = [];
  server.on('connection', (socket: WsSocket) => {
    socket.on('error', () => {});
    socket.on('message', (data: Buffer, isBinary: boolean) => received.push([isBinary ? data.toString('hex') : data.toString(), isBinary]));
    const peer: Peer = {
      send: (data, binary) => socket.send(data, { binary }),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
      onMessage: (handler) => socket.on('message', (data: Buffer, isBinary: boolean) => handler(data, isBinary)),
    };
    for (const handler of handlers) handler(peer);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    received,
    onConnection: (h) => handlers.push(h),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const echo = (peer: Peer) => peer.onMessage((data, isBinary) => peer.send(data, isBinary));

afterEach(killAll);

for (const [name, makeServer] of [
  ['our WebSocketServer', ourServer],
  ['a ws server', wsServer],
] as const) {
  describe(`pipe mode against ${name}`, { timeout: 120_000 }, () => {
    const servers: TestServer[] = [];
    const start = async () => {
      const server = await makeServer();
      servers.push(server);
      return server;
    };
    after(async () => {
      for (const server of servers) await server.close();
    });

    test('sends one message per line and prints one message per line, nothing else on stdout', async () => {
      const server = await start();
      server.onConnection(echo);
      const result = await runCli(['-c', server.url, '-w', '0.3'], 'hello\nsecond line\r\n{"a":1}\n');
      assert.equal(result.stdout, 'hello\nsecond line\n{"a":1}\n');
      assert.deepEqual(server.received, [
        ['hello', false],
        ['second line', false],
        ['{"a":1}', false],
      ]);
      assert.match(result.stderr, /closed 1000 Normal Closure/);
      assert.equal(result.code, 0);
    });

    // The messages and the Close may reach the server in one read: its echoes must still leave
    // before its Close reply (RFC 6455 §5.5.1 lets an endpoint finish its messages first).
    test('without -w, closing as stdin ends still gets the echoes of lines sent in the same breath', async () => {
      const server = await start();
      server.onConnection(echo);
      const result = await runCli(['-c', server.url], 'one\ntwo\n');
      assert.equal(result.stdout, 'one\ntwo\n');
      assert.equal(result.code, 0);
    });

    test('waits for the connection before reading stdin: no line is lost to a slow handshake', async () => {
      const server = await start();
      const cli = new CliProcess(['-c', server.url]);
      // All of stdin is there before the connection can possibly be open.
      cli.end(`${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\n`);
      const result = await cli.result();
      assert.equal(result.code, 0);
      assert.equal(server.received.length, 50);
      assert.deepEqual(server.received.at(-1), ['line 49', false]);
    });

    test('--binary sends each line as a binary message and writes binary messages raw', async () => {
      const server = await start();
      server.onConnection(echo);
      const result = await runCli(['-c', server.url, '--binary', '-w', '0.3'], Buffer.from([0x00, 0xff, 0x0a, 0x01, 0x02, 0x0a]));
      assert.deepEqual(server.received, [
        ['00ff', true],
        ['0102', true],
      ]);
      assert.equal(result.stdoutBytes.toString('hex'), '00ff0a01020a');
      assert.equal(result.code, 0);
    });

    test('--base64 decodes lines into binary messages and prints binary messages as base64', async () => {
      const server = await start();
      server.onConnection((peer) => {
        echo(peer);
        peer.send('plain text', false);
      });
      const result = await runCli(['-c', server.url, '--base64', '-w', '0.3'], 'AAEC/w==\n');
      assert.deepEqual(server.received, [['000102ff', true]]);
      assert.equal(result.stdout, 'plain text\nAAEC/w==\n');
      assert.equal(result.code, 0);
    });

    test('--null separates records with NUL, so messages may hold newlines', async () => {
      const server = await start();
      server.onConnection(echo);
      const result = await runCli(['-c', server.url, '--null', '-w', '0.3'], 'one\ntwo\0three\0');
      assert.deepEqual(server.received, [
        ['one\ntwo', false],
        ['three', false],
      ]);
      assert.equal(result.stdout, 'one\ntwo\0three\0');
    });

    test('exits when the peer closes, printing the code with its meaning; exit code 8', async () => {
      const server = await start();
      server.onConnection((peer) => setTimeout(() => peer.close(1008, 'token expired'), 100));
      const cli = new CliProcess(['-c', server.url]);
      // stdin stays open: the peer's close alone must end the process.
      const result = await cli.result();
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /closed 1008 Policy Violation: "token expired"/);
      assert.equal(result.code, 8);
    });

    test('a peer going away (1001) is a normal end: exit code 0', async () => {
      const server = await start();
      server.onConnection((peer) => setTimeout(() => peer.close(1001, 'bye'), 50));
      const result = await new CliProcess(['-c', server.url]).result();
      assert.match(result.stderr, /closed 1001 Going Away: "bye"/);
      assert.equal(result.code, 0);
    });

    test('a connection cut without a Close frame: 1006, exit code 6', async () => {
      const server = await start();
      server.onConnection((peer) => setTimeout(() => peer.terminate(), 50));
      const result = await new CliProcess(['-c', server.url]).result();
      assert.match(result.stderr, /closed 1006 Abnormal Closure/);
      assert.equal(result.code, 6);
    });

    test('-x sends each command, prints replies for -w seconds, then closes normally', async () => {
      const server = await start();
      server.onConnection(echo);
      const started = Date.now();
      const result = await new CliProcess(['-c', server.url, '-x', 'first', '-x', 'second', '-w', '0.4']).result();
      assert.equal(result.stdout, 'first\nsecond\n');
      assert.ok(Date.now() - started >= 400, 'waited -w seconds');
      assert.equal(result.code, 0);
    });

    test('--max-payload: a larger message is refused with 1009 (exit code 7)', async () => {
      const server = await start();
      server.onConnection((peer) => peer.send('x'.repeat(2000), false));
      const result = await new CliProcess(['-c', server.url, '--max-payload', '1000']).result();
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /closed 1009 Message Too Big/);
      assert.equal(result.code, 7);
    });
  });
}

describe('pipe mode: failures and their exit codes', { timeout: 120_000 }, () => {
  test('--max-payload above what a Buffer holds: one line, exit code 2, nothing opened', async () => {
    // It used to be accepted, and the first large frame then threw out of the data handler.
    const result = await runCli(['-c', 'ws://127.0.0.1:1', '--max-payload', '5000000000'], '');
    assert.match(result.stderr, /^error: option '--max-payload <bytes>' argument '5000000000' is invalid\. expected an integer from 1 to 4294967296\n/);
    assert.equal(result.code, 2);
  });

  test('a refused connection: one error line, exit code 3', async () => {
    const port = await freePort();
    const result = await runCli(['-c', `ws://127.0.0.1:${port}`], 'never sent\n');
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /could not connect to ws:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    assert.equal(result.code, 3);
  });

  test('a rejected handshake: the HTTP status, exit code 4', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', accept: () => ({ accept: false, status: 403, message: 'go away' }) });
    await server.ready();
    try {
      const result = await runCli(['-c', `ws://127.0.0.1:${server.address().port}`], '');
      assert.match(result.stderr, /handshake with .* failed \(HTTP 403\)/);
      assert.equal(result.code, 4);
    } finally {
      await server.close();
    }
  });

  test('an untrusted certificate: exit code 5; with -n it connects; with --ca it connects', async () => {
    const server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      tls: { cert: readFileSync(join(FIXTURES, 'cert.pem')), key: readFileSync(join(FIXTURES, 'key.pem')) },
    });
    await server.ready();
    server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => socket.send(data.toString())));
    const url = `wss://127.0.0.1:${server.address().port}/`;
    try {
      const refused = await runCli(['-c', url], 'hi\n');
      assert.match(refused.stderr, /TLS error connecting to wss:.*self[- ]signed certificate/);
      assert.equal(refused.code, 5);
      const unchecked = await runCli(['-c', url, '-n'], 'hi\n');
      assert.equal(unchecked.stdout, 'hi\n');
      assert.equal(unchecked.code, 0);
      const trusted = await runCli(['-c', url, '--ca', join(FIXTURES, 'cert.pem')], 'hi\n');
      assert.equal(trusted.stdout, 'hi\n');
      assert.equal(trusted.code, 0);
    } finally {
      await server.close();
    }
  });

  test('a TLS client against a server that does not speak TLS: exit code 5', async () => {
    const plain = createNetServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runCli(['-c', `wss://127.0.0.1:${(plain.address() as AddressInfo).port}`], '');
      assert.match(result.stderr, /TLS error/);
      assert.equal(result.code, 5);
    } finally {
      plain.close();
    }
  });

  test('a peer that breaks the protocol: wscope closes with 1002, exit code 7', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    server.on('connection', (socket: WebSocket) => socket.sendFrame({ opcode: 0x3, payload: Buffer.from('?') }));
    try {
      const result = await new CliProcess(['-c', `ws://127.0.0.1:${server.address().port}`]).result();
      assert.match(result.stderr, /protocol error: .*\(WS_ERR_INVALID_OPCODE\)/);
      assert.match(result.stderr, /closed 1002 Protocol Error/);
      assert.equal(result.code, 7);
    } finally {
      await server.close();
    }
  });

  test('--help shows examples and the exit codes, and exits 0', async () => {
    const result = await runCli(['--help'], undefined);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Examples:\n {2}wscope -l 8765/);
    assert.match(result.stdout, /Exit codes:\n {2}0 +closed normally/);
    assert.match(result.stdout, / {2}6 +connection lost/);
  });

  for (const [args, message] of [
    [['--bogus'], /^error: unknown option '--bogus'$/],
    [['-c'], /^error: option '-c, --connect <url>' argument missing$/],
    [['-l', 'http'], /^error: option '-l, --listen <port>' argument 'http' is invalid\. expected an integer from 0 to 65535$/],
    [['-c', 'ws://x', '-l', '1'], /^error: use either --listen or --connect, not both$/],
    [['-c', 'ftp://x'], /^error: unsupported URL scheme ftp: in 'ftp:\/\/x' \(use ws: or wss:\)$/],
    [['-c', 'ws://x', '-p', '8'], /^error: protocol version 8 is not supported: wscope speaks version 13 \(RFC 6455\) only$/],
    [['-c', 'ws://x', '-H', 'no-colon'], /^error: header 'no-colon' is not in the form 'Name: value'$/],
    [
      ['-c', 'ws://x', '--binary-view', 'octal'],
      /^error: option '--binary-view <view>' argument 'octal' is invalid\. Allowed choices are hex, base64, utf8\.$/,
    ],
    [['-c', 'ws://x', '--ca', '/nonexistent/ca.pem'], /^error: cannot read --ca file \/nonexistent\/ca\.pem: ENOENT/],
  ] as const) {
    test(`bad arguments (${args.join(' ')}): one error line, the usage hint, exit code 2`, async () => {
      const result = await runCli([...args], '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, result.stderr);
      assert.match(lines[0]!, message);
      assert.equal(lines[1], "(run 'wscope --help' for usage)");
      assert.equal(result.stdout, '');
      assert.equal(result.code, 2);
    });
  }

  test('--proxy tunnels through an HTTP CONNECT proxy', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => socket.send(data.toString())));
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connectNet(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyPort = (proxy.address() as AddressInfo).port;
      const result = await runCli(['-c', `ws://127.0.0.1:${server.address().port}`, '--proxy', `127.0.0.1:${proxyPort}`, '-w', '0.3'], 'through the tunnel\n');
      assert.equal(result.stdout, 'through the tunnel\n');
      assert.deepEqual(tunnels, [`127.0.0.1:${server.address().port}`]);
      assert.equal(result.code, 0);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      await server.close();
    }
  });

  test('/file sends a file as one binary message (with --slash)', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const got: Array<[string, boolean]> = [];
    server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer, isBinary: boolean) => got.push([data.toString('hex'), isBinary])));
    try {
      const result = await runCli(['-c', `ws://127.0.0.1:${server.address().port}`, '--slash'], `/file ${join(FIXTURES, 'cert.pem')}\n/file /nonexistent\n`);
      assert.deepEqual(got, [[readFileSync(join(FIXTURES, 'cert.pem')).toString('hex'), true]]);
      assert.match(result.stderr, /error: cannot read \/nonexistent: ENOENT/);
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('SIGINT in pipe mode closes with 1000 and exits 0', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const codes: number[] = [];
    server.on('connection', (socket: WebSocket) => socket.on('close', (code: number) => codes.push(code)));
    try {
      const cli = new CliProcess(['-c', `ws://127.0.0.1:${server.address().port}`]);
      await cli.waitFor('stderr', /connected to/);
      cli.child.kill('SIGINT');
      const result = await cli.result();
      assert.equal(result.code, 0);
      assert.deepEqual(codes, [1000]);
    } finally {
      await server.close();
    }
  });

  test('--no-compression: no permessage-deflate offer', async () => {
    const offers: Array<string | undefined> = [];
    const server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      accept: (request) => {
        offers.push(request.headers['sec-websocket-extensions']);
        return true;
      },
    });
    await server.ready();
    try {
      const result = await runCli(['-c', `ws://127.0.0.1:${server.address().port}`, '--no-compression'], '');
      assert.deepEqual(offers, [undefined]);
      assert.doesNotMatch(result.stderr, /permessage-deflate/);
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('-p 13 is accepted (the only version there is)', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    try {
      const result = await runCli(['-c', `127.0.0.1:${server.address().port}`, '-p', '13'], 'x\n');
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('--version prints the version', async () => {
    const result = await runCli(['--version'], undefined);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(result.stdout, `${pkg.version}\n`);
    assert.equal(result.code, 0);
  });

  test('-H, --auth, -o, -s and --host reach the server as wscat sends them', async () => {
    let seen: Record<string, string> = {};
    const server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      accept: (request) => {
        seen = request.headers;
        return true;
      },
    });
    await server.ready();
    try {
      const port = server.address().port;
      const result = await runCli(
        [
          '-c',
          `ws://127.0.0.1:${port}/x`,
          '-H',
          'X-Token: abc',
          '-H',
          'X-Other:2',
          '--auth',
          'user:pass',
          '-o',
          'https://example.test',
          '-s',
          'one',
          '-s',
          'two',
          '--host',
          `example.test:${port}`,
        ],
        '',
      );
      assert.equal(result.code, 0);
      assert.equal(seen['x-token'], 'abc');
      assert.equal(seen['x-other'], '2');
      assert.equal(seen['authorization'], `Basic ${Buffer.from('user:pass').toString('base64')}`);
      assert.equal(seen['origin'], 'https://example.test');
      assert.equal(seen['sec-websocket-protocol'], 'one, two');
      assert.equal(seen['host'], `example.test:${port}`);
      assert.match(result.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/x, subprotocol one/);
    } finally {
      await server.close();
    }
  });

  test('-L follows a redirect; without it the redirect is a failed handshake', async () => {
    const target = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await target.ready();
    target.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => socket.send(data.toString())));
    const redirector = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      accept: () => ({ accept: false, status: 302, headers: [['Location', `ws://127.0.0.1:${target.address().port}/`]] }),
    });
    await redirector.ready();
    try {
      const url = `ws://127.0.0.1:${redirector.address().port}/`;
      const without = await runCli(['-c', url], 'hi\n');
      assert.equal(without.code, 4);
      const followed = await runCli(['-c', url, '-L', '--max-redirects', '2'], 'hi\n');
      assert.equal(followed.stdout, 'hi\n');
      assert.equal(followed.code, 0);
    } finally {
      await Promise.all([target.close(), redirector.close()]);
    }
  });

  test('--raw /close 1005 via --slash sends a Close frame that may not be sent; ws answers 1002', async () => {
    const server = new WsServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket: WsSocket) => socket.on('error', () => {}));
    const port = (server.address() as AddressInfo).port;
    try {
      const refused = await runCli(['-c', `ws://127.0.0.1:${port}`, '--slash'], '/close 1005\n');
      assert.match(refused.stderr, /close code 1005 may not be sent: .*\(--raw sends it anyway\)/);
      const raw = await new CliProcess(['-c', `ws://127.0.0.1:${port}`, '--slash', '--raw']);
      raw.write('/close 1005\n');
      const result = await raw.result();
      assert.match(result.stderr, /closed 1002 Protocol Error/);
      assert.equal(result.code, 8);
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a frame sent raw by the peer is shown with --show-frames (on stderr in pipe mode)', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    server.on('connection', (socket: WebSocket) => {
      socket.sendFrame({ opcode: Opcode.Text, payload: Buffer.from('par'), fin: false });
      socket.sendFrame({ opcode: Opcode.Continuation, payload: Buffer.from('tial') });
      setTimeout(() => socket.close(1000), 50);
    });
    try {
      const result = await new CliProcess(['-c', `ws://127.0.0.1:${server.address().port}`, '--show-frames']).result();
      assert.equal(result.stdout, 'partial\n');
      assert.match(result.stderr, /< frame text fin=0 rsv=000 len=3/);
      assert.match(result.stderr, /< frame continuation fin=1 rsv=000 len=4/);
      assert.match(result.stderr, /> frame close fin=1 rsv=000 mask=[0-9a-f]{8} len=2/);
      await sleep(0);
    } finally {
      await server.close();
    }
  });
});
