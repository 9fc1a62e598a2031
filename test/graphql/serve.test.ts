/**
 * `wscope graphql serve`'s server, driven by the clients people use: graphql-ws's createClient
 * (graphql-transport-ws) and subscriptions-transport-ws's SubscriptionClient (legacy graphql-ws),
 * both on `ws`; and by a raw `ws` socket for the protocol violations those clients never commit.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GRAPHQL_TRANSPORT_WS, GRAPHQL_WS_LEGACY } from '../../src/protocol/subprotocols/index.js';
import { collectLegacy, collectTransportWs, legacyClient, MOCKS_YAML, rawClient, type RunningMock, startMock, transportWsClient } from './serve-helpers.js';

const mocks: RunningMock[] = [];
after(async () => {
  await Promise.all(mocks.map((mock) => mock.close()));
});

async function mock(options: Parameters<typeof startMock>[0] = {}): Promise<RunningMock> {
  const started = await startMock(options);
  mocks.push(started);
  return started;
}

describe('graphql-transport-ws, driven by the graphql-ws client', { timeout: 30_000 }, () => {
  test('a query gets the fixtures where given and values of the right type elsewhere', async () => {
    const { url } = await mock({ fixtures: MOCKS_YAML });
    const client = transportWsClient(url);
    const got = await collectTransportWs(client, { query: '{ hello me { id name age } users { name } }' });
    await client.dispose();
    assert.equal(got.error, undefined);
    assert.equal(got.completed, true);
    assert.equal(got.results.length, 1);
    const data = got.results[0]?.data as { hello: string; me: { id: string; name: string; age: number | null }; users: Array<{ name: string }> };
    assert.equal(data.hello, 'world');
    assert.equal(data.me.name, 'Ada');
    assert.equal(typeof data.me.id, 'string');
    assert.ok(data.me.age === null || Number.isInteger(data.me.age), `age ${data.me.age} is an Int`);
    assert.ok(data.users.length > 0 && data.users.every((user) => user.name === 'Ada'));
  });

  test('a mutation answers with its type, mocked', async () => {
    const { url, events } = await mock({ fixtures: MOCKS_YAML });
    const client = transportWsClient(url);
    const got = await collectTransportWs(client, { query: 'mutation Rename($n: String!) { rename(name: $n) { name } }', variables: { n: 'Bob' } });
    await client.dispose();
    assert.deepEqual(got.results, [{ data: { rename: { name: 'Ada' } } }]);
    assert.ok(events.some((event) => event.type === 'operation' && event.operation === 'mutation' && event.name === 'Rename'));
  });

  test('a subscription sends --count events, --interval apart, then completes', async () => {
    const { url } = await mock({ count: 4, intervalMs: 150 });
    const client = transportWsClient(url);
    const started = Date.now();
    const got = await collectTransportWs(client, { query: 'subscription { count }' });
    await client.dispose();
    assert.equal(got.error, undefined);
    assert.equal(got.completed, true);
    assert.equal(got.results.length, 4);
    for (const result of got.results) assert.ok(Number.isInteger((result.data as { count: number }).count));
    // The k-th event is due at k·interval after the subscription started.
    const offsets = got.times.map((time) => time - started);
    offsets.forEach((offset, index) => assert.ok(offset >= (index + 1) * 150 - 20, `event ${index + 1} came at ${offset} ms, before ${(index + 1) * 150} ms`));
    assert.ok(offsets[3]! < 4 * 150 + 1000, `the last event came at ${offsets[3]} ms`);
  });

  test("a subscription's fixture list is sent in order, each event completed with mocked fields, then complete", async () => {
    const { url } = await mock({ fixtures: MOCKS_YAML, count: 10 });
    const client = transportWsClient(url);
    const got = await collectTransportWs(client, { query: 'subscription { userJoined { id name age } }' });
    await client.dispose();
    assert.equal(got.completed, true);
    const users = got.results.map((result) => (result.data as { userJoined: { id: string; name: string; age: number | null } }).userJoined);
    assert.deepEqual(
      users.map((user) => user.name),
      ['Grace', 'Linus'],
    );
    assert.equal(users[1]?.age, 54);
    assert.ok(users.every((user) => typeof user.id === 'string' && user.id.length > 0));
  });

  test('a validation error is an `error` message with the GraphQL errors, located', async () => {
    const { url } = await mock();
    const client = transportWsClient(url);
    const got = await collectTransportWs(client, { query: '{ hello nope }' });
    await client.dispose();
    assert.equal(got.completed, false);
    assert.deepEqual(got.error, [{ message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 9 }] }]);
  });

  test('a syntax error is an `error` message too, with its line and column', async () => {
    const { url } = await mock();
    const client = transportWsClient(url);
    const got = await collectTransportWs(client, { query: '{ hello ' });
    await client.dispose();
    assert.deepEqual(got.error, [{ message: 'Syntax Error: Expected Name, found <EOF>.', locations: [{ line: 1, column: 9 }] }]);
  });

  test("the client's complete stops a subscription, and the server says so", async () => {
    const { url, events } = await mock({ count: 100, intervalMs: 30 });
    const client = transportWsClient(url);
    await new Promise<void>((resolve) => {
      let seen = 0;
      const unsubscribe = client.subscribe(
        { query: 'subscription { count }' },
        {
          next: () => {
            seen += 1;
            if (seen === 2) {
              unsubscribe();
              resolve();
            }
          },
          error: () => {},
          complete: () => {},
        },
      );
    });
    const deadline = Date.now() + 3000;
    while (!events.some((event) => event.type === 'finished') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await client.dispose();
    const finished = events.find((event) => event.type === 'finished');
    assert.ok(finished && finished.type === 'finished');
    assert.equal(finished.how, 'stopped');
    assert.equal(finished.results, 2);
  });
});

describe('legacy graphql-ws, driven by the subscriptions-transport-ws client', { timeout: 30_000 }, () => {
  test('a query, with the fixtures', async () => {
    const { url, events } = await mock({ fixtures: MOCKS_YAML });
    const client = legacyClient(url);
    const got = await collectLegacy(client, '{ hello me { name } }');
    client.close();
    assert.equal(got.error, undefined);
    assert.equal(got.completed, true);
    assert.deepEqual(got.results, [{ data: { hello: 'world', me: { name: 'Ada' } } }]);
    assert.ok(events.some((event) => event.type === 'connection' && event.protocol === GRAPHQL_WS_LEGACY));
  });

  test('a subscription counts --count events at the interval, then completes', async () => {
    const { url } = await mock({ count: 3, intervalMs: 120 });
    const client = legacyClient(url);
    const started = Date.now();
    const got = await collectLegacy(client, 'subscription { count }');
    client.close();
    assert.equal(got.completed, true);
    assert.equal(got.results.length, 3);
    got.times.forEach((time, index) => assert.ok(time - started >= (index + 1) * 120 - 20, `event ${index + 1} at ${time - started} ms`));
  });

  test('validation errors come as a result with `errors`, as the reference server sends them', async () => {
    const { url } = await mock();
    const client = legacyClient(url);
    const got = await collectLegacy(client, '{ nope }');
    client.close();
    assert.equal(got.completed, true);
    assert.deepEqual(got.results, [{ errors: [{ message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }] }] }]);
  });

  test('a syntax error is an `error` message with { message }', async () => {
    const { url } = await mock();
    const client = legacyClient(url);
    const got = await collectLegacy(client, '{ hello ');
    client.close();
    assert.equal(got.completed, false);
    assert.deepEqual(got.error, { message: 'Syntax Error: Expected Name, found <EOF>.' });
  });
});

describe('choosing the protocol, and protocol violations (a raw ws client)', { timeout: 30_000 }, () => {
  test('offered both, the server picks graphql-transport-ws; offered one, that one', async () => {
    const { url } = await mock();
    const both = await rawClient(url, [GRAPHQL_WS_LEGACY, GRAPHQL_TRANSPORT_WS]);
    assert.equal(both.socket.protocol, GRAPHQL_TRANSPORT_WS);
    both.socket.close();
    const legacy = await rawClient(url, [GRAPHQL_WS_LEGACY]);
    assert.equal(legacy.socket.protocol, GRAPHQL_WS_LEGACY);
    legacy.socket.close();
  });

  test('no subprotocol offered: 101, then closed with 4406, as graphql-ws does', async () => {
    const { url } = await mock();
    const client = await rawClient(url, []);
    assert.deepEqual(await client.closed, { code: 4406, reason: 'Subprotocol not acceptable' });
  });

  test('subscribe before connection_init: 4401 Unauthorized', async () => {
    const { url } = await mock();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send({ type: 'subscribe', id: '1', payload: { query: '{ hello }' } });
    assert.deepEqual(await client.closed, { code: 4401, reason: 'Unauthorized' });
    assert.deepEqual(client.messages, []);
  });

  test('a second subscribe with a running id: 4409', async () => {
    const { url } = await mock({ count: 100, intervalMs: 1000 });
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send({ type: 'connection_init' });
    client.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { count }' } });
    client.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { count }' } });
    assert.deepEqual(await client.closed, { code: 4409, reason: 'Subscriber for a already exists' });
    assert.deepEqual(client.messages, [{ type: 'connection_ack' }]);
  });

  test('a finished id may be used again', async () => {
    const { url } = await mock();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send({ type: 'connection_init' });
    for (let round = 0; round < 2; round++) {
      client.send({ type: 'subscribe', id: 'q', payload: { query: '{ hello }' } });
      const deadline = Date.now() + 3000;
      while (client.messages.filter((m) => m['type'] === 'complete').length <= round && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(
      client.messages.map((m) => m['type']),
      ['connection_ack', 'next', 'complete', 'next', 'complete'],
    );
    client.socket.close();
  });

  test('a second connection_init: 4429', async () => {
    const { url } = await mock();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send({ type: 'connection_init' });
    client.send({ type: 'connection_init' });
    assert.deepEqual(await client.closed, { code: 4429, reason: 'Too many initialisation requests' });
  });

  test('text that is not a message: 4400 with the reason', async () => {
    const { url } = await mock();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send('{"type":"subscribe","id":"1"}');
    const closed = await client.closed;
    assert.equal(closed.code, 4400);
    assert.match(closed.reason, /^Invalid message received: .*payload/);
  });

  test('no connection_init within the wait: 4408', async () => {
    const { url } = await mock({ initTimeoutMs: 200 });
    const started = Date.now();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    assert.deepEqual(await client.closed, { code: 4408, reason: 'Connection initialisation timeout' });
    assert.ok(Date.now() - started >= 190);
  });

  test('ping is answered with pong, its payload echoed', async () => {
    const { url } = await mock();
    const client = await rawClient(url, [GRAPHQL_TRANSPORT_WS]);
    client.send({ type: 'ping', payload: { n: 1 } });
    const deadline = Date.now() + 3000;
    while (client.messages.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(client.messages, [{ type: 'pong', payload: { n: 1 } }]);
    client.socket.close();
  });

  test('legacy: stop ends a subscription and complete follows; connection_terminate closes', async () => {
    const { url, events } = await mock({ count: 100, intervalMs: 30 });
    const client = await rawClient(url, [GRAPHQL_WS_LEGACY]);
    client.send({ type: 'connection_init' });
    client.send({ type: 'start', id: '7', payload: { query: 'subscription { count }' } });
    const deadline = Date.now() + 3000;
    while (!client.messages.some((m) => m['type'] === 'data') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    client.send({ type: 'stop', id: '7' });
    while (!client.messages.some((m) => m['type'] === 'complete') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    client.send({ type: 'connection_terminate' });
    const closed = await client.closed;
    assert.equal(closed.code, 1000);
    const types = client.messages.map((m) => m['type']);
    assert.deepEqual(types.slice(0, 2), ['connection_ack', 'ka']);
    assert.equal(types.at(-1), 'complete');
    assert.ok(events.some((event) => event.type === 'finished' && event.how === 'stopped'));
  });
});

describe('seams', { timeout: 30_000 }, () => {
  test('connection_init and subscribe in the same write as the handshake request are both served', async () => {
    const { connect } = await import('node:net');
    const { url } = await mock();
    const { port } = new URL(url);
    // RFC 6455 §5.3: a client's frames are masked; FIN + text, 7-bit length.
    const frame = (text: string) => {
      const payload = Buffer.from(text, 'utf8');
      const key = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), key, masked]);
    };
    const request = [
      'GET /graphql HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${GRAPHQL_TRANSPORT_WS}`,
      '',
      '',
    ].join('\r\n');
    const socket = connect(Number(port), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      Buffer.concat([
        Buffer.from(request, 'latin1'),
        frame('{"type":"connection_init"}'),
        frame('{"type":"subscribe","id":"1","payload":{"query":"{ hello }"}}'),
      ]),
    );
    const deadline = Date.now() + 5000;
    while (!received.includes('"complete"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    const text = received.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 101 /);
    assert.match(text, /Sec-WebSocket-Protocol: graphql-transport-ws\r\n/i);
    assert.ok(text.indexOf('connection_ack') < text.indexOf('"next"') && text.indexOf('"next"') < text.indexOf('"complete"'), text);
  });
});
