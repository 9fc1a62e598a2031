/**
 * Source ports chosen by us when a client connects from a source address (`localAddress`):
 * the walk over the ephemeral range, and real connections from 127.0.0.2 whose next ports are
 * held by a listener (bind's EADDRINUSE) and by connections to the same server (connect's
 * EADDRNOTAVAIL).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { WebSocket, WebSocketServer } from '../../src/index.js';
import { ephemeralPortRange, isPortTaken, LocalPorts, localPorts } from '../../src/node/local-ports.js';

test('the walk goes port after port from a random start, wraps within the range, and keeps one cursor per address', () => {
  const ports = new LocalPorts({ from: 40_000, to: 40_002 }, () => 0.5);
  assert.deepEqual(
    [1, 2, 3, 4].map(() => ports.next('127.0.0.2')),
    [40_001, 40_002, 40_000, 40_001],
  );
  assert.equal(ports.next('127.0.0.3'), 40_001, 'another address has every port of the range');
  const wide = new LocalPorts({ from: 40_000, to: 40_999 }, () => 0);
  const seen = Array.from({ length: 2000 }, () => wide.next('10.0.0.1'));
  assert.ok(
    seen.every((port) => port >= 40_000 && port <= 40_999),
    'never outside the range',
  );
  assert.equal(new Set(seen).size, 1000, 'every port of the range, each once per lap');
});

test('after a run of taken ports the walk jumps to a random point of the range', () => {
  const draws = [0, 0.5];
  const ports = new LocalPorts({ from: 50_000, to: 50_999 }, () => draws.shift() ?? 0);
  assert.equal(ports.next('127.0.0.2'), 50_000);
  for (let taken = 1; taken < 8; taken++) assert.equal(ports.next('127.0.0.2', taken), 50_000 + taken);
  assert.equal(ports.next('127.0.0.2', 8), 50_500);
  assert.equal(ports.next('127.0.0.2', 9), 50_501);
});

test("the range is Linux's ip_local_port_range, else the IANA dynamic ports", () => {
  assert.deepEqual(
    ephemeralPortRange(() => '32768\t60999\n'),
    { from: 32_768, to: 60_999 },
  );
  assert.deepEqual(
    ephemeralPortRange(() => '1024 1024'),
    { from: 1024, to: 1024 },
  );
  for (const text of ['', 'x y', '60999 32768', '0 100', '1000 70000'])
    assert.deepEqual(
      ephemeralPortRange(() => text),
      { from: 49_152, to: 65_535 },
      `'${text}'`,
    );
  assert.deepEqual(
    ephemeralPortRange(() => {
      throw new Error('ENOENT');
    }),
    { from: 49_152, to: 65_535 },
  );
  const here = localPorts().range;
  assert.ok(here.from >= 1 && here.from <= here.to && here.to <= 65_535);
});

test('a taken port is one bind or connect refused for it, not an address that is not ours', () => {
  const error = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
  assert.equal(isPortTaken(error('EADDRINUSE', 'bind')), true);
  assert.equal(isPortTaken(error('EADDRNOTAVAIL', 'connect')), true);
  assert.equal(isPortTaken(error('EADDRNOTAVAIL', 'bind')), false);
  assert.equal(isPortTaken(error('ECONNREFUSED', 'connect')), false);
});

/** The ports that come after `port` in the walk (wrapping at the range's end). */
function following(port: number, count: number): number[] {
  const { from, to } = localPorts().range;
  return Array.from({ length: count }, (_, i) => from + ((port - from + 1 + i) % (to - from + 1)));
}

function listenOn(host: string, port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function connectFrom(localAddress: string, localPort: number, port: number): Promise<Socket> {
  const socket = netConnect({ host: '127.0.0.1', port, localAddress, localPort });
  return once(socket, 'connect').then(() => socket);
}

test('a connection from 127.0.0.2 whose next ports are held by a listener and by connections to the same server opens on the port after them', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  const port = server.address().port;
  const sourcePorts: number[] = [];
  server.on('connection', (socket: WebSocket) => sourcePorts.push(socket.remotePort!));
  const held: Array<Server | Socket> = [];
  try {
    // Where this thread's walk from 127.0.0.2 stands: the next two ports are listened on (their
    // bind fails), the two after are in use towards the same server (their connect fails).
    const before = localPorts().next('127.0.0.2');
    const [listened1, listened2, used1, used2, free] = following(before, 5) as [number, number, number, number, number];
    held.push(await listenOn('127.0.0.2', listened1), await listenOn('127.0.0.2', listened2));
    held.push(await connectFrom('127.0.0.2', used1, port), await connectFrom('127.0.0.2', used2, port));
    const client = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: '127.0.0.2' });
    await once(client, 'open');
    assert.equal(sourcePorts.at(-1), free, `opened from port ${sourcePorts.at(-1)}, the first free one after ${before} is ${free}`);
    assert.equal(client.readyState, WebSocket.OPEN);
    client.close();
    await once(client, 'close');
    // And the walk goes on from there.
    const next = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: '127.0.0.2' });
    await once(next, 'open');
    assert.equal(sourcePorts.at(-1), following(free, 1)[0]);
    next.close();
    await once(next, 'close');
  } finally {
    for (const item of held) {
      if ('destroy' in item) item.destroy();
      else item.close();
    }
    await server.close();
  }
});

test('a source address that is not this host fails at once with EADDRNOTAVAIL (no port would do)', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  try {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no host has it.
    const client = new WebSocket(`ws://127.0.0.1:${server.address().port}/`, { localAddress: '192.0.2.1' });
    const startedAt = performance.now();
    // once() would reject on the 'error' that comes first.
    const code = await new Promise<number>((resolve) => client.on('close', resolve));
    assert.equal(code, 1006);
    assert.equal((client.connectError as NodeJS.ErrnoException).code, 'EADDRNOTAVAIL');
    assert.equal((client.connectError as NodeJS.ErrnoException).syscall, 'bind');
    assert.ok(performance.now() - startedAt < 1000);
  } finally {
    await server.close();
  }
});
