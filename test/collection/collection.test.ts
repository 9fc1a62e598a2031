/** Saving into a collection file: the YAML document edited in place, never a file that no longer loads. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Collection, withMessage } from '../../src/collection/index.js';
import { tempDir } from '../cli/helpers.js';

const dir = tempDir();
after(() => dir.remove());

const TEXT = '# top\nmessages:\n  # greeting\n  hello: { json: { type: hello } } # flow\n  bye: "bye" # quoted\n';

test('a new object message takes the flow style of its neighbours; comments stay', () => {
  assert.equal(withMessage(TEXT, 'raw', { binary: '00 ff' }), `${TEXT}  raw: { binary: 00 ff }\n`);
});

test('text over text keeps the quotes and the comment; an object over an object keeps the comment', () => {
  assert.equal(withMessage(TEXT, 'bye', 'ciao'), TEXT.replace('"bye"', '"ciao"'));
  assert.equal(withMessage(TEXT, 'hello', { text: 'hi' }), TEXT.replace('{ json: { type: hello } }', '{ text: hi }'));
});

test('an empty file, and one without messages:, get a messages: map', () => {
  assert.equal(withMessage('', 'a', 'x'), 'messages:\n  a: x\n');
  assert.equal(withMessage('env:\n  default: { u: 1 }\n', 'a', 'x'), 'env:\n  default: { u: 1 }\nmessages:\n  a: x\n');
  assert.throws(() => withMessage('- a list\n', 'a', 'x'), /not a map of env:, messages:, scenarios:/);
});

test('Collection: a file that does not exist yet is created by the first save; variables expand at send', () => {
  const path = join(dir.path, 'new.wscope.yaml');
  const collection = Collection.open(path, { vars: { who: 'bob' } });
  assert.deepEqual(collection.names(), []);
  collection.save('greet', 'hi {{who}}');
  assert.equal(readFileSync(path, 'utf8'), 'messages:\n  greet: hi {{who}}\n');
  assert.deepEqual(collection.payload('greet'), { binary: false, data: 'hi bob' });
  assert.throws(() => collection.save('bad name', 'x'), /cannot name a message/);
});

test('a missing variable names itself and its place in the file', () => {
  const path = join(dir.path, 'vars.wscope.yaml');
  writeFileSync(path, 'messages:\n  hello: "hi {{nobody}}"\n');
  assert.throws(() => Collection.open(path).payload('hello'), /vars\.wscope\.yaml:2:14: missing variable "nobody"/);
});

test('a save that would make the file fail to load is refused and the file left as it was', () => {
  const path = join(dir.path, 'refused.wscope.yaml');
  writeFileSync(path, 'messages: {}\n');
  const collection = Collection.open(path);
  writeFileSync(path, 'messages: {}\nscenarios: nope\n');
  assert.throws(() => collection.save('a', 'x'), /not saved: the file would not load/);
  assert.equal(readFileSync(path, 'utf8'), 'messages: {}\nscenarios: nope\n');
});
