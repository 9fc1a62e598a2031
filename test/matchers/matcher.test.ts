/** Each matcher's verdict on real messages, and the reason and diff a failure gives. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileMatcher, MatcherSpecError } from '../../src/matchers/index.js';

const text = (data: string) => ({ data: Buffer.from(data), binary: false });
const binary = (hex: string) => ({ data: Buffer.from(hex, 'hex'), binary: true });
const verdict = (spec: unknown, message: { data: Buffer; binary: boolean }) => compileMatcher(spec).match(message);

test('text, contains, regex', () => {
  assert.deepEqual(verdict({ text: 'hi' }, text('hi')), { ok: true });
  assert.deepEqual(verdict('a\nb', text('a\nc')), { ok: false, reason: 'the text differs', diff: '  a\n- b\n+ c' });
  assert.equal(verdict({ contains: 'ell' }, text('hello')).ok, true);
  assert.deepEqual(verdict({ contains: 'x' }, text('hello')), { ok: false, reason: 'it does not contain "x"' });
  assert.equal(verdict({ regex: '^ping [0-9a-f-]{36}$' }, text('ping 1b4e28ba-2fa1-11d2-883f-0016d3cca427')).ok, true);
  assert.deepEqual(verdict({ regex: '^a' }, binary('61')), { ok: false, reason: 'a binary message came, text was expected' });
});

test('json subset: extra keys allowed, arrays item by item, the first difference and a diff of the expected keys', () => {
  assert.equal(verdict({ json: { type: 'hello' } }, text('{"type":"hello","user":"x"}')).ok, true);
  assert.deepEqual(verdict({ json: { a: [1, { b: 2 }] } }, text('{"a":[1,{"b":3,"c":4}],"z":0}')), {
    ok: false,
    reason: '$.a[1].b is 3, expected 2',
    diff: '  {\n    "a": [\n      1,\n      {\n-       "b": 2\n+       "b": 3\n      }\n    ]\n  }',
  });
  assert.deepEqual(verdict({ json: { a: 1 } }, text('{"b":1}')).ok, false);
  assert.match((verdict({ json: [1] }, text('[1,2]')) as { reason: string }).reason, /^\$ has 2 items, expected 1$/);
  assert.match((verdict({ json: {} }, text('not json')) as { reason: string }).reason, /^it is not JSON/);
});

test('jsonPath with and without value, JSON Schema, all keys together', () => {
  assert.equal(verdict({ jsonPath: '$.items[0].id', value: 4 }, text('{"items":[{"id":4}]}')).ok, true);
  assert.deepEqual(verdict({ jsonPath: '$.items[0].id', value: 3 }, text('{"items":[{"id":4}]}')), {
    ok: false,
    reason: '$.items[0].id is 4, expected 3',
    diff: '- 3\n+ 4',
  });
  assert.deepEqual(verdict({ jsonPath: '$.missing' }, text('{}')), { ok: false, reason: 'nothing is at $.missing' });
  const schema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };
  assert.equal(verdict({ schema }, text('{"id":1}')).ok, true);
  assert.deepEqual(verdict({ schema }, text('{"id":"1"}')), { ok: false, reason: 'it does not satisfy the schema: /id must be integer' });
  assert.deepEqual(verdict({ contains: 'id', json: { id: 2 } }, text('{"id":1}')).ok, false);
});

test('binary and base64: exact bytes, a hex diff', () => {
  assert.equal(verdict({ binary: '00 ff 10' }, binary('00ff10')).ok, true);
  assert.deepEqual(verdict({ binary: '00ff' }, binary('00fe')), { ok: false, reason: 'the bytes differ', diff: '- 00 ff\n+ 00 fe' });
  assert.equal(verdict({ base64: '3q2+7w==' }, binary('deadbeef')).ok, true);
  assert.deepEqual(verdict({ binary: '00' }, text('x')), { ok: false, reason: 'a text message came, binary was expected' });
});

test('a spec that cannot be compiled says why', () => {
  assert.throws(() => compileMatcher({ regex: '(' }), MatcherSpecError);
  assert.throws(() => compileMatcher({ binary: 'zz' }), /is not hex bytes/);
  assert.throws(() => compileMatcher({ value: 1 }), /"value" needs "jsonPath"/);
  assert.throws(() => compileMatcher({ within: '1s' }), /a matcher needs one of text, contains, regex/);
  assert.throws(() => compileMatcher({ schema: { type: 'nope' } }), /"schema" is not a valid JSON Schema/);
});
