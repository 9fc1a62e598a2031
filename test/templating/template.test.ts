/** Templates in values read from a file: variables by layer, dynamic ones, and missing ones named at their place. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWithPlaces, renderString, renderValue, TemplateError, Variables } from '../../src/templating/index.js';

test('layers: a caller scope above captures above --var above the environment', () => {
  const root = Variables.create({ environment: { user: 'env', url: 'ws://e' }, overrides: { user: 'var' } });
  assert.equal(renderString('{{user}} {{url}}', root), 'var ws://e');
  root.set('user', 'captured');
  assert.equal(renderString('{{user}}', root), 'captured');
  const scoped = root.with({ user: 'scope', message: { id: 7, nested: { a: [1] } } });
  assert.equal(renderString('{{user}} {{message.id}} {{ message.nested }}', scoped), 'scope 7 {"a":[1]}');
  assert.deepEqual(renderValue({ id: '{{message.id}}', text: 'id {{message.id}}' }, scoped), { id: 7, text: 'id 7' });
});

test('dynamic variables: $uuid, $seq counting per run, $timestamp from the clock, $randomInt in 0..1000, $env', () => {
  const variables = Variables.create({ now: () => 1_700_000_000_500, processEnv: { TOKEN: 't0k' } });
  assert.match(renderString('{{$uuid}}', variables), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(renderString('{{$seq}},{{$seq}}', variables), '1,2');
  assert.equal(renderString('{{$seq}}', variables.with({})), '3', 'one counter for the run, scopes included');
  assert.equal(renderString('{{$timestamp}} {{$isoTimestamp}}', variables), '1700000000 2023-11-14T22:13:20.500Z');
  const n = Number(renderString('{{$randomInt}}', variables));
  assert.ok(Number.isInteger(n) && n >= 0 && n <= 1000);
  assert.equal(renderString('Bearer {{$env.TOKEN}}', variables), 'Bearer t0k');
});

test('a missing variable names itself and the line and column of its {{, also in quoted and multi-line scalars', () => {
  const text = 'a:\n  plain: hi {{x}}\n  quoted: "one {{user}} two {{y}}"\n  block: |\n    line one\n    line {{z}}\n';
  const { value, places } = parseWithPlaces(text, 'f.yaml');
  const root = value as Record<string, Record<string, string>>;
  const a = root['a'] as Record<string, string>;
  const variables = Variables.create({ environment: { user: 'u' } });
  const problem = (key: string) => {
    try {
      renderValue(a[key], variables, places, a, key);
    } catch (error) {
      assert.ok(error instanceof TemplateError);
      return error.message;
    }
    return 'no error';
  };
  assert.equal(problem('plain'), 'f.yaml:2:13: missing variable "x" (defined: user)');
  assert.equal(problem('quoted'), 'f.yaml:3:29: missing variable "y" (defined: user)');
  assert.equal(problem('block'), 'f.yaml:6:10: missing variable "z" (defined: user)');
  assert.throws(() => renderString('{{$nope}}', variables), /\$nope is not a dynamic variable/);
  assert.throws(() => renderString('{{a b}}', variables), /"\{\{a b\}\}" is not a variable name/);
});
