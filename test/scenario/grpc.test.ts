/**
 * `grpc` steps in a scenario file, run by `wscope run` (the CLI in a child process) against a
 * @grpc/grpc-js server with reflection (the schema asked of it) and against `wscope grpc serve`
 * (the schema from the step's proto:). A failing expectation exits 11 and its report says what
 * came and how it differs; a schema that cannot be read exits 12 and names the file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll } from '../cli/helpers.js';
import { ECHO_PROTO, PROTO_DIR } from '../grpc/protos.js';
import { type RunningMock, startMock } from '../grpc/serve-mock.js';
import { grpcJsServer, type TestServer } from '../grpc/servers.js';
import { run, ScenarioFolder } from './helpers.js';

const folder = new ScenarioFolder();
let server: TestServer;
let mock: RunningMock;

const MOCKS = `
methods:
  wscope.test.v1.Echo/Unary:
    - match: { text: order-42 }
      response: { request: { text: found }, index: 42 }
    - status: { code: NOT_FOUND, message: no such order }
  wscope.test.v1.Echo/ServerStream:
    responses: [{ index: 1 }, { index: 2 }, { index: 3 }]
`;

before(async () => {
  server = await grpcJsServer();
  const mocks = folder.write('mocks.yaml', MOCKS);
  mock = await startMock(['--mocks', mocks]);
});
after(async () => {
  await server.close();
  mock.cli.kill();
  await mock.cli.exited;
  killAll();
  folder.remove();
});

const scenario = (name: string, steps: string) => `
  - name: ${name}
    steps:
${steps
  .trim()
  .split('\n')
  .map((line) => `      ${line.trim()}`)
  .join('\n')}
`;
const fileOf = (...scenarios: string[]) => `scenarios:\n${scenarios.join('')}`;

describe('wscope run with grpc steps, against grpc-js with reflection', { timeout: 60_000 }, () => {
  test('unary, server streaming reading 3, bidi send/expect/end, an error status', async () => {
    const path = folder.write(
      'reflection.wscope.yaml',
      fileOf(
        scenario(
          'unary',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Unary, metadata: { x-who: ada }, request: { text: hi, big_number: "9007199254740993" } }, as: u }
- grpc: { expect: { json: { request: { text: hi, bigNumber: "9007199254740993" } }, capture: { echoed: "$.request.text" } }, on: u }
- grpc: { expectStatus: { code: OK }, on: u }
`,
        ),
        scenario(
          'server streaming',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/ServerStream, request: { text: tick, count: 3, interval_ms: 20 } } }
- grpc: { expect: { json: { request: { text: tick 0 } } } }
- grpc: { expect: { jsonPath: "$.index", value: 1 } }
- grpc: { expect: { json: { request: { text: tick 2 }, index: 2 }, within: 2s } }
- grpc: { expectStatus: { code: 0 } }
`,
        ),
        scenario(
          'bidi',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Bidi, deadline: 5s }, as: chat }
- grpc: { send: { text: one }, on: chat }
- grpc: { expect: { json: { request: { text: one } } }, on: chat }
- grpc: { send: { text: "{{word}}" }, on: chat }
- grpc: { expect: { json: { request: { text: two }, index: 1 } }, on: chat }
- grpc: { end: chat }
- grpc: { expectStatus: { code: OK }, on: chat }
`,
        ),
        scenario(
          'an error status',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Fail, request: { code: 5, message: no such thing } }, as: f }
- grpc: { expectStatus: { code: NOT_FOUND, message: no such thing }, on: f }
`,
        ),
      ),
    );
    const result = await run([path, '--var', `target=${server.address}`, '--var', 'word=two']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ unary/);
    assert.match(result.stdout, /captured echoed = "hi"/);
    assert.match(result.stdout, /\/wscope\.test\.v1\.Echo\/ServerStream \(server-streaming\)/);
    assert.match(result.stdout, /✓ grpc expect json \{"request":\{"text":"tick 2"\},"index":2\}/);
    assert.match(result.stdout, /5 NOT_FOUND: no such thing/);
    assert.match(result.stdout, /4 passed/);
  });

  test('a wrong expectation exits 11 with the response and a diff; a wrong status too', async () => {
    const path = folder.write(
      'wrong.wscope.yaml',
      fileOf(
        scenario(
          'wrong response',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Unary, request: { text: hi } } }
- grpc: { expect: { json: { request: { text: bye } } } }
`,
        ),
        scenario(
          'wrong status',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Fail, request: { code: 7, message: go away } } }
- grpc: { expectStatus: { code: NOT_FOUND } }
`,
        ),
        scenario(
          'a response expected, the call failed',
          `
- grpc: { call: { target: "{{target}}", plaintext: true, method: wscope.test.v1.Echo/Fail, request: { code: 14, message: down } } }
- grpc: { expect: { json: {} } }
`,
        ),
      ),
    );
    const result = await run([path, '--var', `target=${server.address}`]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /the response did not match/);
    assert.match(result.stdout, /"text":"hi"/);
    assert.match(result.stdout, /-.*bye/);
    assert.match(result.stdout, /\+.*hi/);
    assert.match(result.stdout, /ended with 7 PERMISSION_DENIED: go away, expected 5 NOT_FOUND/);
    assert.match(result.stdout, /ended with 14 UNAVAILABLE: down before another response came/);
    assert.match(result.stdout, /3 failed/);
  });
});

describe('wscope run with grpc steps, against wscope grpc serve (schema from proto:)', { timeout: 60_000 }, () => {
  const call = (method: string, request: string) =>
    `- grpc: { call: { target: "{{target}}", plaintext: true, proto: ${ECHO_PROTO}, importPath: ["${PROTO_DIR}"], method: wscope.test.v1.Echo/${method}, request: ${request} } }`;

  test('a fixture response, a fixture status, a stream of 3', async () => {
    const path = folder.write(
      'mock.wscope.yaml',
      fileOf(
        scenario(
          'found',
          `${call('Unary', '{ text: order-42 }')}\n- grpc: { expect: { json: { request: { text: found }, index: 42 } } }\n- grpc: { expectStatus: { code: OK } }`,
        ),
        scenario('not found', `${call('Unary', '{ text: order-7 }')}\n- grpc: { expectStatus: { code: NOT_FOUND, message: no such order } }`),
        scenario(
          'three',
          `${call('ServerStream', '{}')}\n- grpc: { expect: { json: { index: 1 } } }\n- grpc: { expect: { json: { index: 2 } } }\n- grpc: { expect: { json: { index: 3 } } }\n- grpc: { expectStatus: { code: OK } }`,
        ),
      ),
    );
    const result = await run([path, '--var', `target=${mock.address}`]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /schema from --proto/);
    assert.match(result.stdout, /3 passed/);
  });

  test('a .proto that cannot be read exits 12 and names it; a request that does not fit its type too', async () => {
    const path = folder.write(
      'missing.wscope.yaml',
      fileOf(
        scenario(
          'missing',
          `- grpc: { call: { target: "{{target}}", plaintext: true, proto: nowhere/missing.proto, method: wscope.test.v1.Echo/Unary, request: {} } }`,
        ),
        scenario('wrong field', call('Unary', '{ nope: 1 }')),
      ),
    );
    const result = await run([path, '--var', `target=${mock.address}`]);
    assert.equal(result.code, 12, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /nowhere\/missing\.proto/);
    assert.match(result.stdout + result.stderr, /nope/);
  });
});

describe('@grpc/grpc-js is loaded by the first grpc step, not by wscope run', { timeout: 60_000 }, () => {
  /** A module hook (in its own thread, so it writes to a file) that notes every import of @grpc/grpc-js. */
  const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@grpc/grpc-js')) appendFileSync(process.env.GRPC_LOADS, specifier + ' from ' + context.parentURL + '\\n');
  return next(specifier, context);
}`;

  test('a WebSocket-only file never imports it; a file with a grpc call does', async () => {
    const hooks = folder.write('hooks.mjs', HOOKS);
    const register = folder.write('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
    const loads = join(folder.path, 'grpc-loads.txt');
    const env = { NODE_OPTIONS: `--import ${register}`, GRPC_LOADS: loads };
    const wsOnly = folder.write('ws-only.wscope.yaml', fileOf(scenario('no grpc', '- sleep: 10ms')));
    const quiet = await run([wsOnly], { env });
    assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
    assert.equal(existsSync(loads), false, existsSync(loads) ? readFileSync(loads, 'utf8') : '');
    const withGrpc = folder.write(
      'with-grpc.wscope.yaml',
      fileOf(scenario('grpc', `- grpc: { call: { target: "${server.address}", plaintext: true, method: wscope.test.v1.Echo/Unary, request: {} } }`)),
    );
    const loud = await run([withGrpc], { env });
    assert.equal(loud.code, 0, loud.stdout + loud.stderr);
    assert.match(readFileSync(loads, 'utf8'), /@grpc\/grpc-js from .*\/src\/grpc\//);
  });
});
