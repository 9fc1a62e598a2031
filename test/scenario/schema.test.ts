/**
 * schema/wscope.schema.json is what the step table says (a new step kind must regenerate it:
 * `wscope run --print-schema > schema/wscope.schema.json`), and editors checking with it accept
 * the README's example and refuse what the loader refuses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { editorSchema, STEP_KINDS } from '../../src/scenario/index.js';
import { ROOT, runCli } from '../cli/helpers.js';

const schemaFile = join(ROOT, 'schema', 'wscope.schema.json');

test("schema/wscope.schema.json is the step table's schema, as --print-schema writes it", async () => {
  const committed = JSON.parse(readFileSync(schemaFile, 'utf8')) as unknown;
  assert.deepEqual(committed, editorSchema(), 'regenerate it: wscope run --print-schema > schema/wscope.schema.json');
  const printed = await runCli(['run', '--print-schema'], undefined);
  assert.equal(printed.code, 0);
  assert.deepEqual(JSON.parse(printed.stdout), committed);
  const steps = JSON.stringify(committed);
  for (const kind of STEP_KINDS) assert.ok(steps.includes(`"required":["${kind.name}"]`), `the schema has the ${kind.name} step`);
});

test('an editor validating with the schema (ajv) accepts the README example and refuses a misspelt step', () => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## Scenarios\n')))?.[1] ?? '';
  assert.ok(validate(parse(example)), JSON.stringify(validate.errors));
  const misspelt = example.replace('- send: hello', '- sned: hello');
  assert.equal(validate(parse(misspelt)), false);
  assert.ok(validate(parse('scenarios:\n  - name: bare\n    steps: [ping, close, expectClose]\nmock: { anything: here }\n')), JSON.stringify(validate.errors));
});
