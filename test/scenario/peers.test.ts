/**
 * The same scenarios against other servers than ours: `ws` and Python `websockets` (the interop
 * suite's servers: /echo, /ping, /close by JSON), run by `wscope run` in a child process.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { killAll } from '../cli/helpers.js';
import type { Peer } from '../interop/peer.js';
import { pythonPeer } from '../interop/python-peer.js';
import { wsPeer } from '../interop/ws-peer.js';
import { run, ScenarioFolder } from './helpers.js';

const folder = new ScenarioFolder();

after(() => {
  killAll();
  folder.remove();
});

const scenarios = (port: number) => `env:
  default: { base: "ws://127.0.0.1:${port}" }
scenarios:
  - name: echo, text, JSON and binary
    connect: { url: "{{base}}/echo", subprotocols: [wscope.v1] }
    steps:
      - send: { json: { hello: world, n: 1 } }
      - expect: { json: { hello: world }, schema: { type: object, required: [n] } }
      - send: { binary: "00 01 02 ff" }
      - expect: { binary: "000102ff" }
      - ping: abc
      - expectPong: { data: abc }
      - close: { code: 1000, reason: bye }
      - expectClose: { code: 1000, within: 2s }
  - name: the server pings us, then replies
    connect: "{{base}}/ping"
    steps:
      - send: { text: hi }
      - expect: { text: "pong:hi", within: 2s }
  - name: the server closes with 4001
    connect: "{{base}}/close"
    steps:
      - send: { json: { code: 4001, reason: done } }
      - expectClose: { code: 4001, reason: done, within: 2s }
  - name: expecting the wrong close code fails
    connect: "{{base}}/close"
    steps:
      - send: { json: { code: 4002 } }
      - expectClose: 1000
`;

for (const peer of [wsPeer, pythonPeer] as Peer[]) {
  test(`scenarios against the ${peer.name} server: echo, pings both ways, its close codes`, async () => {
    await peer.setUp();
    const server = await peer.startServer();
    try {
      const file = folder.write(`${peer.name.replace(/\W/g, '-')}.wscope.yaml`, scenarios(server.port));
      const result = await run([file]);
      assert.equal(result.code, 11, result.stdout + result.stderr);
      assert.match(result.stdout, /✓ echo, text, JSON and binary/);
      assert.match(result.stdout, /connected to ws:\/\/127\.0\.0\.1:\d+\/echo/);
      assert.match(result.stdout, /subprotocol wscope\.v1/);
      assert.match(result.stdout, /✓ expectClose 1000 .*\n\s+closed 1000 Normal Closure "bye"/);
      assert.match(result.stdout, /✓ the server pings us, then replies/);
      assert.match(result.stdout, /✓ the server closes with 4001/);
      assert.match(result.stdout, /closed 4001 Private Use "done"/);
      assert.match(result.stdout, /✗ expecting the wrong close code fails[\s\S]*closed with 4002 Private Use, expected 1000/);
      assert.match(result.stdout, /\n3 passed, 1 failed \(4 scenarios, /);
    } finally {
      await server.stop();
      await peer.tearDown();
    }
  });
}
