/**
 * A `*.wscope.yaml` file → the mock's script: read, parsed (YAML; JSON is YAML too), the chosen
 * environment's variables taken, the `mock:` section checked. Every failure is a MockFileError
 * that starts with `file:line`.
 */
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { MockConfig } from './mock-config.js';
import { MockFileError, readMockSection } from './read-mock.js';

export function loadMockFile(file: string, envName = 'default'): MockConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MockFileError(`${file}: cannot read it: ${(error as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first) throw new MockFileError(`${file}:${lineCounter.linePos(first.pos[0]).line}: ${first.message.split('\n')[0]}`);
  const value = document.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MockFileError(`${file}:1: expected a map with a mock: section`);
  const locate = (path: readonly (string | number)[]) => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return `${file}:${lineCounter.linePos(node.range[0]).line}`;
      // A key whose value is empty (`/status:` alone) has no node: the map above has its key.
      const parent = document.getIn(path.slice(0, depth - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path[depth - 1]);
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return `${file}:${lineCounter.linePos(range[0]).line}`;
      }
    }
    return `${file}:1`;
  };
  const file_ = value as Record<string, unknown>;
  const environments = file_['env'];
  const variables = typeof environments === 'object' && environments !== null ? ((environments as Record<string, unknown>)[envName] ?? {}) : {};
  return readMockSection(file_, variables as Record<string, unknown>, locate);
}
