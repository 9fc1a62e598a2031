/**
 * A `*.wscope.yaml` file → the mock's script: read and checked by the file loader every tool
 * shares (YAML with places, the file's JSON Schema, saved messages), then its `mock:` section
 * read for the chosen environment. Every failure is a MockFileError that starts with
 * `file:line:column`.
 */
import { loadScenarioFile, ScenarioFileError } from '../scenario/file.js';
import type { MockConfig } from './mock-config.js';
import { MockFileError, readMockSection } from './read-mock.js';

export function loadMockFile(path: string, envName = 'default'): MockConfig {
  try {
    return readMockSection(loadScenarioFile(path), envName);
  } catch (error) {
    if (error instanceof ScenarioFileError) throw new MockFileError(error.message);
    throw error;
  }
}
