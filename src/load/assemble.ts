/**
 * Figures added together: the workers' of one run (coordinator), or several runs' (merge). Counts
 * are summed, histograms added (so the percentiles of the whole are exact), seconds combined
 * second by second; the derived figures (errors, rates, summaries) computed once, here.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { addEncoded, encodeHistogram, type Histogram, summarize } from './histogram.js';
import type { LoadOptions } from './options.js';
import {
  type ConnectionTotals,
  LOAD_RESULT_FORMAT,
  type LoadResult,
  type LoadRunSettings,
  type LoadSource,
  type MessageTotals,
  type SecondSample,
} from './result.js';
import type { ScenarioTotals } from './scenario-totals.js';

export const WSCOPE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function addRecords(records: Iterable<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const record of records) for (const [key, count] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + count;
  return sum;
}

export function addConnections(list: ReadonlyArray<Omit<ConnectionTotals, 'peakOpen'>>): Omit<ConnectionTotals, 'peakOpen'> {
  return {
    attempted: sumOf(list, (c) => c.attempted),
    opened: sumOf(list, (c) => c.opened),
    failed: sumOf(list, (c) => c.failed),
    abandoned: sumOf(list, (c) => c.abandoned),
    handshakeFailures: addRecords(list.map((c) => c.handshakeFailures)),
    connectErrors: addRecords(list.map((c) => c.connectErrors)),
    lost: sumOf(list, (c) => c.lost),
  };
}

export function addMessages(list: readonly MessageTotals[]): MessageTotals {
  return {
    sent: sumOf(list, (m) => m.sent),
    received: sumOf(list, (m) => m.received),
    matched: sumOf(list, (m) => m.matched),
    unmatched: sumOf(list, (m) => m.unmatched),
    timedOut: sumOf(list, (m) => m.timedOut),
    unsolicited: sumOf(list, (m) => m.unsolicited),
    bytesSent: sumOf(list, (m) => m.bytesSent),
    bytesReceived: sumOf(list, (m) => m.bytesReceived),
  };
}

/** Samples of the same second (from workers, or from merged runs) as one. */
export function addSamples(second: number, samples: readonly SecondSample[]): SecondSample {
  const histograms = samples.map((sample) => sample.histogram).filter((histogram): histogram is string => histogram !== null);
  const latency = histograms.length === 0 ? undefined : addEncoded(histograms);
  return {
    second,
    connectionsOpen: sumOf(samples, (s) => s.connectionsOpen),
    connectionsOpened: sumOf(samples, (s) => s.connectionsOpened),
    connectionsFailed: sumOf(samples, (s) => s.connectionsFailed),
    connectionsClosed: sumOf(samples, (s) => s.connectionsClosed),
    sent: sumOf(samples, (s) => s.sent),
    received: sumOf(samples, (s) => s.received),
    matched: sumOf(samples, (s) => s.matched),
    timedOut: sumOf(samples, (s) => s.timedOut),
    unsolicited: sumOf(samples, (s) => s.unsolicited),
    errors: sumOf(samples, (s) => s.errors),
    latencyP50: latency ? latency.getValueAtPercentile(50) : null,
    latencyP99: latency ? latency.getValueAtPercentile(99) : null,
    latencyMax: latency ? latency.maxValue : null,
    closeCodes: addRecords(samples.map((s) => s.closeCodes)),
    histogram: latency && samples.length === 1 ? histograms[0]! : latency ? encodeHistogram(latency) : null,
  };
}

/** A second with nothing in it (a gap in a merge's timeline). */
export function emptySample(second: number): SecondSample {
  return addSamples(second, []);
}

export interface ResultParts {
  wscope: string;
  settings: LoadRunSettings;
  sources: LoadSource[];
  startedAt: number;
  endedAt: number;
  measuredMs: number;
  connections: Omit<ConnectionTotals, 'peakOpen'>;
  messages: MessageTotals;
  closeCodes: Record<string, number>;
  series: SecondSample[];
  serviceTime: Histogram;
  connectTime: Histogram;
  scenario?: ScenarioTotals | undefined;
}

export function buildResult(parts: ResultParts): LoadResult {
  const latency = addEncoded(parts.series.flatMap((sample) => (sample.histogram === null ? [] : [sample.histogram])));
  const { connections, messages } = parts;
  const errors = connections.failed + connections.lost + messages.timedOut;
  const attempted = connections.attempted + messages.sent;
  const seconds = parts.measuredMs / 1000;
  const per = (count: number) => (seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0);
  return {
    format: LOAD_RESULT_FORMAT,
    wscope: parts.wscope,
    settings: parts.settings,
    startedAt: parts.startedAt,
    endedAt: parts.endedAt,
    measuredMs: parts.measuredMs,
    sources: parts.sources,
    totals: {
      connections: { ...connections, peakOpen: parts.series.reduce((peak, sample) => Math.max(peak, sample.connectionsOpen), 0) },
      messages,
      errors,
      errorRate: attempted === 0 ? 0 : errors / attempted,
      closeCodes: parts.closeCodes,
    },
    latency: summarize(latency),
    serviceTime: summarize(parts.serviceTime),
    connectTime: summarize(parts.connectTime),
    series: parts.series,
    histograms: { latency: encodeHistogram(latency), serviceTime: encodeHistogram(parts.serviceTime), connectTime: encodeHistogram(parts.connectTime) },
    throughput: {
      sentPerSecond: per(messages.sent),
      receivedPerSecond: per(messages.received),
      matchedPerSecond: per(messages.matched),
      bytesSentPerSecond: per(messages.bytesSent),
      bytesReceivedPerSecond: per(messages.bytesReceived),
    },
    ...(parts.scenario !== undefined && { scenario: parts.scenario }),
  };
}

/** The settings a result records, from the options the run was given (any URL password hidden). */
export function settingsOf(options: LoadOptions): LoadRunSettings {
  const message = options.message;
  return {
    url: hidePassword(options.url),
    connections: options.connections,
    rampSeconds: options.rampMs / 1000,
    connectRate: options.connectRate > 0 ? options.connectRate : null,
    durationSeconds: options.durationMs === undefined ? null : options.durationMs / 1000,
    messagesPerConnection: options.messages ?? null,
    rate: options.rate,
    inFlight: Number.isFinite(options.inFlight) ? options.inFlight : 0,
    match: options.matchSpec,
    replyTimeoutSeconds: options.replyTimeoutMs / 1000,
    latencyFrom: options.ratePerConnection > 0 ? 'intended' : 'actual',
    message: {
      source: message.kind === 'generated' ? 'generated' : message.kind === 'bytes' ? 'file' : message.origin,
      binary: message.binary,
      size:
        message.kind === 'generated' ? message.size : message.kind === 'bytes' ? Buffer.from(message.base64, 'base64').length : Buffer.byteLength(message.text),
      spec: message.kind === 'generated' ? null : message.spec,
    },
    // A scenario's steps say what is sent: the file stands in for the message.
    ...(options.scenario && { message: { source: 'scenario' as const, binary: false, size: null, spec: options.scenario.file } }),
    workers: options.workers,
    localAddresses: options.localAddresses,
    subprotocols: options.client.protocols,
    compression: options.client.compression,
  };
}

function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

function sumOf<T>(list: readonly T[], figure: (item: T) => number): number {
  let sum = 0;
  for (const item of list) sum += figure(item);
  return sum;
}
