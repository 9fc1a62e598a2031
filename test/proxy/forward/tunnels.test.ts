import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from '../../../src/index.js';
import { eventually, tempDir } from '../../cli/helpers.js';
import { echoServer, messages, selfSigned } from '../../node/helpers.js';
import { type ProxyUnderTest, proxyUnderTest } from './helpers.js';

/** A CONNECT tunnel through the proxy: the socket after its 200, or the proxy's refusal. */
function tunnel(proxyUrl: string, authority: string): Promise<{ status: number; socket: Socket; body: string }> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: authority });
    // Node gives a CONNECT's answer, whatever its status, as 'connect' with the socket after the head.
    req.on('connect', async (res, socket: Socket, head: Buffer) => {
      let body = head.toString();
      if (res.statusCode !== 200) for await (const chunk of socket) body += chunk;
      resolve({ status: res.statusCode ?? 0, socket, body });
    });
    req.on('error', reject);
    req.end();
  });
}

const UPGRADE = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** Everything a raw socket receives until `pattern` shows up in it. */
async function readUntil(socket: Socket, pattern: RegExp): Promise<string> {
  let text = '';
  for await (const chunk of socket) {
    text += (chunk as Buffer).toString('latin1');
    if (pattern.test(text)) return text;
  }
  return text;
}

describe('forward proxy: WebSockets through CONNECT and absolute-form', () => {
  let under: ProxyUnderTest;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let echoPort = 0;

  before(async () => {
    under = await proxyUnderTest();
    echo = await echoServer();
    echoPort = echo.server.address().port;
  });
  after(async () => {
    await under.proxy.close();
    await echo.server.close();
  });

  it('hands a ws:// upgrade inside a CONNECT tunnel to the relay with its full URL', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${echoPort}/room?id=7`, { proxy: under.url });
    await once(socket, 'open');
    const replies = messages(socket, 2);
    socket.send('hello ✓');
    socket.send(Buffer.from([0, 0xff, 0x80]));
    const [text, binary] = await replies;
    assert.deepEqual(text, [Buffer.from('hello ✓'), false]);
    assert.deepEqual(binary, [Buffer.from([0, 0xff, 0x80]), true]);
    socket.close();
    await once(socket, 'close');
    const relayed = under.relayed.at(-1);
    assert.equal(relayed?.target.href, `ws://127.0.0.1:${echoPort}/room?id=7`);
    assert.equal(relayed?.url, '/room?id=7');
  });

  it('keeps an upgrade sent in the same write as the CONNECT, and the frame after it', async () => {
    const proxy = new URL(under.url);
    const raw = connect(Number(proxy.port), proxy.hostname);
    // A masked text frame "hi" (RFC 6455 §5.7's example, masked with key 37 fa 21 3d).
    const frame = Buffer.from([0x81, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x68 ^ 0x37, 0x69 ^ 0xfa]);
    raw.write(
      Buffer.concat([
        Buffer.from(
          `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\nGET /same-write HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n${UPGRADE}\r\n`,
        ),
        frame,
      ]),
    );
    const answer = await readUntil(raw, /\r\n\r\n\x81\x02hi$/);
    assert.match(answer, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 101 /);
    assert.ok(answer.endsWith('\x81\x02hi'), 'the echo of the frame that came with the head');
    raw.destroy();
    assert.equal(under.relayed.at(-1)?.target.href, `ws://127.0.0.1:${echoPort}/same-write`);
  });

  it('hands an absolute-form ws:// upgrade to the relay, without the fields meant for the proxy', async () => {
    const proxy = new URL(under.url);
    const req = request({
      host: proxy.hostname,
      port: proxy.port,
      path: `http://127.0.0.1:${echoPort}/absolute?x=1`,
      headers: {
        Host: `127.0.0.1:${echoPort}`,
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version': '13',
        'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
        'Proxy-Connection': 'keep-alive',
        Origin: 'http://app.example',
      },
    });
    req.end();
    const [res, socket] = (await once(req, 'upgrade')) as [{ statusCode: number }, Socket];
    assert.equal(res.statusCode, 101);
    socket.destroy();
    const relayed = under.relayed.at(-1);
    assert.equal(relayed?.target.href, `ws://127.0.0.1:${echoPort}/absolute?x=1`);
    assert.equal(relayed?.url, '/absolute?x=1');
    const names = relayed?.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    assert.ok(names?.includes('origin') && names.includes('upgrade') && names.includes('sec-websocket-key'), `${names}`);
    assert.ok(!names?.includes('proxy-authorization') && !names?.includes('proxy-connection'), `${names}`);
  });

  it('refuses a CONNECT to an unknown host with 502, a malformed one with 400, one to itself with 508', async () => {
    const unknown = await tunnel(under.url, 'no-such-host.invalid:443');
    assert.equal(unknown.status, 502);
    assert.match(unknown.body, /unknown host no-such-host\.invalid/);
    const malformed = await tunnel(under.url, 'no-port-here');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body, /CONNECT needs host:port/);
    const self = await tunnel(under.url, `127.0.0.1:${new URL(under.url).port}`);
    assert.equal(self.status, 508);
    const upgrade = request({ host: '127.0.0.1', port: new URL(under.url).port, path: '/no-host', headers: { Upgrade: 'websocket', Connection: 'Upgrade' } });
    upgrade.end();
    const [res] = (await once(upgrade, 'response')) as [{ statusCode: number }];
    assert.equal(res.statusCode, 400);
  });
});

describe('forward proxy: a wss:// tunnel without --mitm is blind', () => {
  const dir = tempDir();
  let under: ProxyUnderTest;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let cert: { key: Buffer; cert: Buffer };

  before(async () => {
    cert = selfSigned(dir.path, 'origin', 'IP:127.0.0.1');
    under = await proxyUnderTest();
    echo = await echoServer({ tls: cert });
  });
  after(async () => {
    await under.proxy.close();
    await echo.server.close();
    dir.remove();
  });

  it('copies the TLS bytes untouched and counts them each way when the tunnel closes', async () => {
    const port = echo.server.address().port;
    const socket = new WebSocket(`wss://127.0.0.1:${port}/secret`, { proxy: under.url, ca: cert.cert });
    await once(socket, 'open');
    const replies = messages(socket, 1);
    // Random bytes: permessage-deflate cannot make them smaller than they are.
    const payload = randomBytes(10_000);
    socket.send(payload);
    assert.deepEqual((await replies)[0], [payload, true]);
    socket.close();
    await once(socket, 'close');
    const counted = await eventually(() => {
      const notice = under.notices.find((n) => n.kind === 'tunnel');
      return notice?.kind === 'tunnel' ? notice : undefined;
    }, 'the tunnel notice');
    assert.equal(counted.tls, true);
    assert.equal(counted.host, '127.0.0.1');
    assert.equal(counted.port, port);
    assert.ok(counted.sent > 10_000 && counted.received > 10_000, `bytes ${counted.sent} / ${counted.received}`);
    assert.equal(under.relayed.length, 0, 'nothing seen in clear');
  });

  it('is a tunnel to the origin itself: the origin certificate is what the client sees', async () => {
    const port = echo.server.address().port;
    const { status, socket } = await tunnel(under.url, `127.0.0.1:${port}`);
    assert.equal(status, 200);
    const secure = tlsConnect({ socket, ca: cert.cert, host: '127.0.0.1' });
    await once(secure, 'secureConnect');
    assert.equal(secure.getPeerCertificate().subject.CN, 'wscope origin');
    secure.destroy();
  });
});
