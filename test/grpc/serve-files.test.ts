/**
 * `wscope grpc serve` refusing what it cannot serve: a --mocks file that is not YAML, does not
 * fit the schema, names a method or a field the protos do not have, or streams replies from a
 * unary method — one line naming file:line:column and the path, exit 12 — and a HAR recording
 * (exit 2: HAR has no shape for a gRPC call).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { ECHO_SERVICE, PROTO_FLAGS } from './protos.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

async function serveWith(mocks: string): Promise<{ code: number | null; stderr: string; file: string }> {
  const file = join(dir.path, `mocks-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, mocks);
  const result = await runCli(['grpc', 'serve', ...PROTO_FLAGS, '--port', '0', '--mocks', file], undefined, { timeoutMs: 15_000 });
  return { code: result.code, stderr: result.stderr, file };
}

const CASES: Array<[string, string, (file: string) => RegExp]> = [
  ['a YAML syntax error', 'methods:\n  x: [unclosed\n', (file) => new RegExp(`^error: ${file}:\\d+:\\d+: `)],
  ['an unknown top-level key', 'methodz: {}\n', (file) => new RegExp(`^error: ${file}:1:1: must NOT have additional properties: "methodz"$`)],
  [
    'a method the protos do not have',
    `methods:\n  ${ECHO_SERVICE}/Nope: { response: {} }\n`,
    (file) =>
      new RegExp(`^error: ${file}:2:\\d+: methods\\.${ECHO_SERVICE}/Nope: no method ${ECHO_SERVICE}/Nope in the protos \\(they have ${ECHO_SERVICE}/Unary, `),
  ],
  [
    'a field the message does not have',
    `methods:\n  ${ECHO_SERVICE}/Unary:\n    response: { index: 1, colour: red }\n`,
    (file) =>
      new RegExp(
        `^error: ${file}:3:\\d+: methods\\.${ECHO_SERVICE}/Unary\\.response\\.colour: wscope\\.test\\.v1\\.EchoReply has no field 'colour' \\(fields: request, index, count, texts\\)$`,
      ),
  ],
  [
    'a stream of replies for a unary method',
    `methods:\n  ${ECHO_SERVICE}/Unary:\n    responses: [{}, {}]\n`,
    (file) =>
      new RegExp(
        `^error: ${file}:3:\\d+: methods\\.${ECHO_SERVICE}/Unary\\.responses: ${ECHO_SERVICE}/Unary is unary: it answers one message \\(use response:\\)$`,
      ),
  ],
  [
    'a status name gRPC does not have',
    `methods:\n  ${ECHO_SERVICE}/Unary:\n    - status: { code: MISSING }\n`,
    (file) => new RegExp(`^error: ${file}:3:\\d+: methods\\.${ECHO_SERVICE}/Unary\\.0\\.status\\.code: `),
  ],
  [
    'a detail type nobody defines',
    `methods:\n  ${ECHO_SERVICE}/Fail:\n    status: { code: 5, details: [{ "@type": type.googleapis.com/no.Such }] }\n`,
    (file) =>
      new RegExp(
        `^error: ${file}:3:\\d+: methods\\.${ECHO_SERVICE}/Fail\\.status\\.details\\.0\\.@type: the schema does not define type\\.googleapis\\.com/no\\.Such$`,
      ),
  ],
];

for (const [what, mocks, expected] of CASES) {
  it(`${what}: one line with file:line:column and the path, exit 12`, async () => {
    const result = await serveWith(mocks);
    assert.equal(result.code, 12, result.stderr);
    assert.match(result.stderr.trimEnd(), expected(result.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
}

it('a --mocks file that does not exist: exit 12', async () => {
  const result = await runCli(['grpc', 'serve', ...PROTO_FLAGS, '--port', '0', '--mocks', join(dir.path, 'absent.yaml')], undefined);
  assert.equal(result.code, 12);
  assert.match(result.stderr, /^error: .*absent\.yaml: cannot read it: no such file\n$/);
});

it('--record FILE.har: refused in one line, exit 2, as HAR has no shape for gRPC calls', async () => {
  const result = await runCli(['grpc', 'serve', ...PROTO_FLAGS, '--port', '0', '--record', join(dir.path, 'calls.har')], undefined);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: --record '.*calls\.har': HAR has no shape for gRPC calls; record to a \.jsonl file \(trace events\)\n/);
});

it('without a schema: a usage error, exit 2', async () => {
  const result = await runCli(['grpc', 'serve', '--port', '0'], undefined);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: grpc serve needs the schema it serves: --proto FILE or --protoset FILE\n/);
});
