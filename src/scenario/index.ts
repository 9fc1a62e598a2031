/** The scenario runner: `*.wscope.yaml` files loaded and checked, their scenarios run, the results. */
export { loadScenarioFile, parseScenarioFile, readSteps, ScenarioFileError } from './file.js';
export type { ScenarioFile, ScenarioSpec, StepNode } from './model.js';
export { editorSchema, SCHEMA_ID } from './file-schema.js';
export { ScenarioConnection, type CloseInfo, type Received, type ReceivedKind, type Taken } from './connection.js';
export { runScenario, type ScenarioRunOptions, type StepTiming } from './run-scenario.js';
export { runFiles, environmentOf, EnvironmentError, type RunFilesOptions } from './run-files.js';
export { TraceCollector } from './trace-collector.js';
export { countStatuses, type RunResult, type FileResult, type ScenarioResult, type StepResult, type Failure, type Status } from './result.js';
export {
  STEP_KINDS,
  STEP_COMMON_KEYS,
  findStepKind,
  stepKindNames,
  CheckFailure,
  StepArgsError,
  defineStep,
  type StepKind,
  type StepContext,
  type CheckContext,
  type JsonSchema,
  type FailureDetails,
} from './steps/index.js';
