/** The load tester: many connections on the public client, reply latency in HDR histograms, results that merge and compare. */
export * from './result.js';
export type { LoadOptions, LoadMessage, MatchRule, LoadClientOptions, LoadScenario } from './options.js';
export { newHistogram, encodeHistogram, decodeHistogram, addEncoded, summarize, type Histogram } from './histogram.js';
export { parseThreshold, evaluateThresholds, ThresholdError, THRESHOLD_METRICS, type Threshold } from './thresholds.js';
export { parseLocalAddresses, LocalAddressError } from './local-addresses.js';
export { MessageSource, checkMessage, parseJsonPath, jsonKey } from './payload.js';
export { startLoad, LoadRun, type LoadHooks, type RunningTotals } from './run.js';
export { mergeResults, parseLoadResult, LoadResultError, type MergeInput } from './merge.js';
export { compareResults, type ComparedFigure, type FigureUnit } from './compare.js';
