/**
 * `wscope load compare A B`: each figure of two results side by side, with B − A, B / A and
 * whether B is better or worse (lower latency and fewer errors are better, more throughput is).
 */
import type { LatencySummary, LoadResult } from './result.js';

export type FigureUnit = 'us' | 'count' | 'rate' | 'share';

export interface ComparedFigure {
  /** 'latency p99', 'replies/s', 'timed out'... */
  figure: string;
  unit: FigureUnit;
  a: number;
  b: number;
  /** b − a. */
  difference: number;
  /** b / a; null when a is 0. */
  ratio: number | null;
  /** Which way is better for this figure; null where neither is (messages sent in closed loop...). */
  better: 'lower' | 'higher' | null;
  verdict: 'better' | 'worse' | 'same' | 'changed';
}

type Read = (result: LoadResult) => number;

const LATENCY: ReadonlyArray<[string, (summary: LatencySummary) => number]> = [
  ['min', (s) => s.min],
  ['mean', (s) => s.mean],
  ['p50', (s) => s.p50],
  ['p90', (s) => s.p90],
  ['p99', (s) => s.p99],
  ['p99.9', (s) => s.p999],
  ['max', (s) => s.max],
];

const FIGURES: ReadonlyArray<[string, FigureUnit, 'lower' | 'higher' | null, Read]> = [
  ...LATENCY.map(([name, read]): [string, FigureUnit, 'lower', Read] => [`latency ${name}`, 'us', 'lower', (r) => read(r.latency)]),
  ...LATENCY.filter(([name]) => ['p50', 'p99', 'max'].includes(name)).map(([name, read]): [string, FigureUnit, 'lower', Read] => [
    `connect ${name}`,
    'us',
    'lower',
    (r) => read(r.connectTime),
  ]),
  ['replies/s', 'rate', 'higher', (r) => r.throughput.matchedPerSecond],
  ['sent/s', 'rate', 'higher', (r) => r.throughput.sentPerSecond],
  ['sent', 'count', null, (r) => r.totals.messages.sent],
  ['matched', 'count', null, (r) => r.totals.messages.matched],
  ['unmatched', 'count', 'lower', (r) => r.totals.messages.unmatched],
  ['timed out', 'count', 'lower', (r) => r.totals.messages.timedOut],
  ['unsolicited', 'count', null, (r) => r.totals.messages.unsolicited],
  ['connections opened', 'count', null, (r) => r.totals.connections.opened],
  ['connections failed', 'count', 'lower', (r) => r.totals.connections.failed],
  ['connections lost', 'count', 'lower', (r) => r.totals.connections.lost],
  ['error rate', 'share', 'lower', (r) => r.totals.errorRate],
];

export function compareResults(a: LoadResult, b: LoadResult): ComparedFigure[] {
  return FIGURES.map(([figure, unit, better, read]) => {
    const before = read(a);
    const after = read(b);
    const difference = after - before;
    return {
      figure,
      unit,
      a: before,
      b: after,
      difference,
      ratio: before === 0 ? null : after / before,
      better,
      verdict: difference === 0 ? 'same' : better === null ? 'changed' : (better === 'lower') === difference < 0 ? 'better' : 'worse',
    };
  });
}
