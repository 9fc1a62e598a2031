/** Matchers shared by the scenario runner (expect, waitFor) and the mock server (which reply to send). */
export {
  compileMatcher,
  MATCHER_KEYS,
  type CompiledMatcher,
  type Matcher,
  type MatchResult,
  type MatchedMessage,
} from './matcher.js';
export { MatcherSpecError } from './errors.js';
export { firstJsonDifference, type JsonDifference } from './json-subset.js';
export { describeBytes, textDiff, jsonDiff } from './describe.js';
