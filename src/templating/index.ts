/**
 * The file format's vocabulary every tool shares (scenario runner, mock server, load tester):
 * values read with their places, `{{variables}}`, durations and messages.
 */
export { parseWithPlaces, SourcePlaces, SourceSyntaxError, formatPlace, type Place, type ValuePlace, type ParsedSource } from './source-places.js';
export { Variables, type VariablesInit, type Lookup } from './variables.js';
export { renderString, renderValue, isTemplate, TemplateError } from './template.js';
export { parseDuration, formatDuration, DURATION_PATTERN } from './duration.js';
export {
  buildPayload,
  messageKind,
  parseHex,
  parseBase64,
  MessageSpecError,
  MESSAGE_KINDS,
  type MessageSpec,
  type Payload,
} from './message-spec.js';
