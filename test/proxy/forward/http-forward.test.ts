import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ProxyUnderTest, proxyUnderTest } from './helpers.js';

/** A plain-HTTP request through the proxy, in absolute-form as a client configured with a proxy sends it. */
function viaProxy(proxyUrl: string, target: string, headers: string[] = [], body?: string) {
  const proxy = new URL(proxyUrl);
  // A client sends its proxy the target's Host (RFC 9112 §3.2.2), unless the test says otherwise.
  if (!headers.some((name) => name.toLowerCase() === 'host')) headers = ['Host', new URL(target).host, ...headers];
  return new Promise<{ res: IncomingMessage; body: Buffer }>((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, method: body === undefined ? 'GET' : 'POST', path: target, headers, setHost: false });
    req.on('response', async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      resolve({ res, body: Buffer.concat(chunks) });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw bytes to the proxy, and all it answers until it closes. */
async function rawExchange(proxyUrl: string, bytes: string): Promise<string> {
  const proxy = new URL(proxyUrl);
  const socket = connect(Number(proxy.port), proxy.hostname);
  socket.end(bytes);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  await once(socket, 'close');
  return answer;
}

describe('forward proxy: plain HTTP', () => {
  let under: ProxyUnderTest;
  let origin: ReturnType<typeof createServer>;
  let originPort = 0;
  const seen: IncomingMessage[] = [];
  const seenBodies: string[] = [];

  before(async () => {
    under = await proxyUnderTest();
    origin = createServer(async (req, res) => {
      seen.push(req);
      let body = '';
      for await (const chunk of req) body += chunk;
      seenBodies.push(body);
      // Repeated fields, names in odd case, a hop-by-hop field named by Connection, and a
      // body written in pieces (chunked on the wire).
      res.writeHead(201, 'Made It', [
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'X-Odd-CASE',
        'kept',
        'Connection',
        'X-Hop-Only',
        'X-Hop-Only',
        'must go',
        'Content-Type',
        'application/octet-stream',
      ]);
      res.write(Buffer.from([0, 1, 2, 0xff]));
      setTimeout(() => res.end(Buffer.from('tail ✓')), 20);
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originPort = (origin.address() as { port: number }).port;
  });
  after(async () => {
    await under.proxy.close();
    origin.close();
  });

  it('forwards an absolute-form GET and relays status, headers and body untouched but for hop-by-hop fields', async () => {
    const { res, body } = await viaProxy(under.url, `http://127.0.0.1:${originPort}/path/x?q=1&r=%20`, [
      'Host',
      'wrong.example',
      'X-Client',
      'yes',
      'Connection',
      'keep-alive, X-Client-Hop',
      'X-Client-Hop',
      'drop me',
      'Proxy-Authorization',
      'Basic Zm9vOmJhcg==',
    ]);
    assert.equal(res.statusCode, 201);
    assert.equal(res.statusMessage, 'Made It');
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
    assert.ok(res.rawHeaders.includes('X-Odd-CASE'), `names as sent: ${res.rawHeaders}`);
    assert.equal(res.headers['x-odd-case'], 'kept');
    assert.equal(res.headers['x-hop-only'], undefined, 'a field the origin named in Connection stays on its hop');
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(res.headers.via, '1.1 wscope');
    assert.deepEqual(body, Buffer.concat([Buffer.from([0, 1, 2, 0xff]), Buffer.from('tail ✓')]));

    const got = seen.at(-1) as IncomingMessage;
    assert.equal(got.url, '/path/x?q=1&r=%20', 'origin-form to the origin (RFC 9112 §3.2.1)');
    assert.equal(got.headers.host, `127.0.0.1:${originPort}`, 'Host from the request-target, not the one received');
    assert.equal(got.headers['x-client'], 'yes');
    assert.equal(got.headers['x-client-hop'], undefined);
    assert.equal(got.headers['proxy-authorization'], undefined);
    assert.equal(got.headers.via, '1.1 wscope');
    assert.deepEqual(under.notices.at(-1), { kind: 'http', method: 'GET', url: `http://127.0.0.1:${originPort}/path/x?q=1&r=%20`, status: 201 });
  });

  it('streams a request body to the origin', async () => {
    const { res } = await viaProxy(under.url, `http://127.0.0.1:${originPort}/upload`, ['Content-Type', 'text/plain'], 'a body ✓');
    assert.equal(res.statusCode, 201);
    assert.equal(seenBodies.at(-1), 'a body ✓');
  });

  it('answers 502 for a host that does not resolve, and keeps serving', async () => {
    const { res, body } = await viaProxy(under.url, 'http://no-such-host.invalid/');
    assert.equal(res.statusCode, 502);
    assert.match(body.toString(), /unknown host in http:\/\/no-such-host\.invalid\/ \(ENOTFOUND\)/);
    const again = await viaProxy(under.url, `http://127.0.0.1:${originPort}/again`);
    assert.equal(again.res.statusCode, 201);
  });

  it('answers 502 for a port nobody listens on', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { res, body } = await viaProxy(under.url, `http://127.0.0.1:${closedPort}/`);
    assert.equal(res.statusCode, 502);
    assert.match(body.toString(), /ECONNREFUSED/);
  });

  it('answers 400 to an origin-form request: it names no host', async () => {
    const answer = await rawExchange(under.url, 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /names no host: this is a forward proxy/);
  });

  it('answers 400 to a malformed request and keeps serving', async () => {
    const answer = await rawExchange(under.url, 'GET http://127.0.0.1/ HTTP/1.1\r\nBad Header Without Colon\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    const huge = await rawExchange(under.url, `GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const garbage = await rawExchange(under.url, '\x00\x01\x02 nonsense\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/);
    const again = await viaProxy(under.url, `http://127.0.0.1:${originPort}/after`);
    assert.equal(again.res.statusCode, 201);
  });

  it('refuses a request for the proxy itself instead of looping', async () => {
    const { res } = await viaProxy(under.url, `${under.url}/loop`);
    assert.equal(res.statusCode, 400);
  });
});
