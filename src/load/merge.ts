/**
 * `wscope load merge`: the results of several generators (machines, or runs side by side) as one
 * run. Exact: counts are summed and histograms added, so the merged p99 is the p99 of every
 * reply of every input, not an average of their p99s. The per-second series are aligned on the
 * wall clock (each input's seconds shifted by how much later it started, to the nearest second).
 */
import { addConnections, addMessages, addRecords, addSamples, buildResult } from './assemble.js';
import { addEncoded, decodeHistogram } from './histogram.js';
import { addScenarioTotals } from './scenario-totals.js';
import { LOAD_RESULT_FORMAT, type LoadResult, type SecondSample } from './result.js';

export class LoadResultError extends Error {
  override name = 'LoadResultError';
}

/** A --json result read back, checked enough that merge and compare can trust its shape. */
export function parseLoadResult(text: string): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LoadResultError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new LoadResultError('not a wscope load result (expected an object)');
  const result = value as Partial<LoadResult>;
  if (result.format !== LOAD_RESULT_FORMAT)
    throw new LoadResultError(`not a wscope load result (format is ${JSON.stringify(result.format)}, expected "${LOAD_RESULT_FORMAT}")`);
  for (const field of ['settings', 'totals', 'latency', 'connectTime', 'serviceTime', 'series', 'histograms', 'throughput', 'sources'] as const) {
    if (result[field] === undefined) throw new LoadResultError(`the result has no "${field}"`);
  }
  if (!Array.isArray(result.series)) throw new LoadResultError('"series" is not a list');
  for (const name of ['latency', 'serviceTime', 'connectTime'] as const) {
    try {
      decodeHistogram(result.histograms![name]);
    } catch {
      throw new LoadResultError(`histograms.${name} is not a serialised HDR histogram`);
    }
  }
  return result as LoadResult;
}

export interface MergeInput {
  result: LoadResult;
  /** Where it was read from (kept in `sources`). */
  file?: string;
}

export function mergeResults(inputs: readonly MergeInput[]): LoadResult {
  const first = inputs[0];
  if (!first) throw new LoadResultError('nothing to merge');
  const results = inputs.map((input) => input.result);
  const startedAt = Math.min(...results.map((result) => result.startedAt));
  const endedAt = Math.max(...results.map((result) => result.endedAt));
  const measuredUntil = Math.max(...results.map((result) => result.startedAt + result.measuredMs));
  const bySecond = new Map<number, SecondSample[]>();
  for (const result of results) {
    const shift = Math.round((result.startedAt - startedAt) / 1000);
    for (const sample of result.series) {
      const second = sample.second + shift;
      const list = bySecond.get(second);
      if (list) list.push(sample);
      else bySecond.set(second, [sample]);
    }
  }
  const last = Math.max(-1, ...bySecond.keys());
  const series: SecondSample[] = [];
  for (let second = 0; second <= last; second++) series.push(addSamples(second, bySecond.get(second) ?? []));
  return buildResult({
    wscope: first.result.wscope,
    settings: {
      ...first.result.settings,
      connections: results.reduce((sum, result) => sum + result.settings.connections, 0),
      workers: results.reduce((sum, result) => sum + result.settings.workers, 0),
    },
    sources: inputs.flatMap((input) => input.result.sources.map((source) => ({ ...source, ...(input.file !== undefined && { file: input.file }) }))),
    startedAt,
    endedAt,
    measuredMs: measuredUntil - startedAt,
    connections: addConnections(results.map((result) => result.totals.connections)),
    messages: addMessages(results.map((result) => result.totals.messages)),
    closeCodes: addRecords(results.map((result) => result.totals.closeCodes)),
    series,
    serviceTime: addEncoded(results.map((result) => result.histograms.serviceTime)),
    connectTime: addEncoded(results.map((result) => result.histograms.connectTime)),
    scenario: addScenarioTotals(results.map((result) => result.scenario)),
  });
}
