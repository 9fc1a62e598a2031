/** What a loaded scenario file is made of (file.ts reads it, the runner and the steps use it). */
import type { MessageSpec, Place, SourcePlaces } from '../templating/index.js';
import type { StepKind } from './steps/step-kind.js';

/** One step as written: its kind, the value under the kind's key, and the map it is (for `on:` and places). */
export interface StepNode {
  kind: StepKind;
  args: unknown;
  /** The step's map in the parsed file (a bare `- ping` becomes `{ ping: null }`). */
  map: Record<string, unknown>;
  place: Place;
  /** Nested steps (a `repeat`'s), read when the file was loaded. */
  children?: StepNode[];
}

export interface ScenarioSpec {
  name: string;
  place: Place;
  steps: StepNode[];
  /** The scenario's map in the parsed file. */
  map: Record<string, unknown>;
}

export interface ScenarioFile {
  path: string;
  /** Relative paths in the file (messages' `file:`, TLS files) are relative to the file's folder. */
  baseDir: string;
  root: Record<string, unknown>;
  places: SourcePlaces;
  env: Record<string, Record<string, unknown>>;
  messages: Record<string, MessageSpec>;
  scenarios: ScenarioSpec[];
  /** The `mock:` section, for the mock server (not read here). */
  mock: unknown;
}
