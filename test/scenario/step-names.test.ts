import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepKindNames } from '../../src/scenario/index.js';
import { STEP_KIND_NAMES } from '../../src/scenario/steps/names.js';

test("run --help's list of step kinds is the step table's, in its order", () => {
  assert.deepEqual([...STEP_KIND_NAMES], stepKindNames());
});
