/**
 * `wscope load`'s flags read into LoadOptions (what src/load runs) and the CLI's own settings
 * (output file, thresholds, live view). Every check commander cannot express is here, so a bad
 * command line fails before a connection opens: one line, exit 2.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  checkMessage,
  LocalAddressError,
  type LoadMessage,
  type LoadOptions,
  type MatchRule,
  parseJsonPath,
  parseLocalAddresses,
  parseThreshold,
  type Threshold,
  ThresholdError,
} from '../../load/index.js';
import { parseDuration } from '../../templating/index.js';
import { headerFlags, type RawOptions, tlsFlags } from '../flags.js';
import { UsageError } from '../usage-error.js';
import { readScenarioFlags } from './scenario-flags.js';

export interface LoadSettings {
  options: LoadOptions;
  /** --json FILE. */
  json?: string;
  /** --report FILE.html. */
  report?: string;
  /** --prometheus PORT: serve /metrics on 127.0.0.1:PORT while the run lasts. */
  prometheus?: number;
  thresholds: Threshold[];
  quiet: boolean;
  color: boolean;
}

const DEFAULT_DURATION_MS = 10_000;
const DEFAULT_SIZE = 32;

const get = <T>(raw: RawOptions, name: string) => raw[name] as T;

export function readLoadSettings(url: string | undefined, raw: RawOptions): LoadSettings {
  const scenario = readScenarioFlags(raw, url);
  if (url === undefined && !scenario) throw new UsageError('name the server: wscope load URL (or wscope load compare|merge ...)');
  if (url !== undefined) checkUrl(url);
  const connections = get<number>(raw, 'connections');
  const rampMs = secondsFlag(raw, 'ramp', '--ramp') ?? 0;
  const connectRate = perSecond(get<string | undefined>(raw, 'connectRate'), '--connect-rate') ?? 0;
  const messages = get<number | undefined>(raw, 'messages');
  let durationMs = secondsFlag(raw, 'duration', '--duration');
  if (messages !== undefined && durationMs !== undefined) throw new UsageError('use either --duration or --messages, not both');
  if (messages === undefined && scenario?.iterations === undefined) durationMs ??= DEFAULT_DURATION_MS;
  if (durationMs === 0) throw new UsageError('--duration must be above 0');
  const rateText = get<string | undefined>(raw, 'rate');
  const scope = get<'connection' | 'total' | undefined>(raw, 'rateScope');
  if (scope !== undefined && rateText === undefined) throw new UsageError('--rate-scope goes with --rate');
  const ratePerSecond = perSecond(rateText, '--rate');
  if (ratePerSecond === 0) throw new UsageError('--rate must be above 0');
  const rate = ratePerSecond === undefined ? null : { perSecond: ratePerSecond, scope: scope ?? 'connection' };
  const ratePerConnection = rate === null ? 0 : rate.scope === 'total' ? rate.perSecond / connections : rate.perSecond;
  const inFlight = get<number | undefined>(raw, 'inFlight') ?? (rate === null ? 1 : Number.POSITIVE_INFINITY);
  // A scenario's sends pair with the next expect on their connection, as --match next pairs messages.
  const matchSpec = scenario ? 'next' : get<string>(raw, 'match');
  const match = parseMatch(matchSpec);
  const replyTimeoutMs = secondsFlag(raw, 'replyTimeout', '--reply-timeout') ?? 5000;
  if (replyTimeoutMs === 0) throw new UsageError('--reply-timeout must be above 0');
  const message = readMessage(raw);
  const headers = headerFlags.read(raw);
  const tls = tlsFlags.read(raw);
  if (tls.passphrase === true) throw new UsageError('--passphrase needs its value with load (nothing can be asked while connections open)');
  const localText = get<string | undefined>(raw, 'localAddress');
  let localAddresses: string[] = [];
  try {
    if (localText !== undefined) localAddresses = parseLocalAddresses(localText);
  } catch (error) {
    if (error instanceof LocalAddressError) throw new UsageError(`--local-address ${error.message}`);
    throw error;
  }
  const thresholds = (get<string[] | undefined>(raw, 'threshold') ?? []).map((text) => {
    try {
      return parseThreshold(text);
    } catch (error) {
      if (error instanceof ThresholdError) throw new UsageError(error.message);
      throw error;
    }
  });
  const options: LoadOptions = {
    // Without a URL a scenario's own connects name the servers; the result names the file.
    url: url ?? scenario!.file,
    connections,
    rampMs,
    connectRate,
    ...(durationMs !== undefined && { durationMs }),
    ...(messages !== undefined && { messages }),
    ratePerConnection,
    rate,
    inFlight,
    match,
    matchSpec,
    replyTimeoutMs,
    message,
    workers: Math.min(get<number | undefined>(raw, 'workers') ?? availableParallelism(), connections),
    localAddresses,
    client: {
      protocols: headers.subprotocols,
      headers: headers.headers,
      ...(headers.origin !== undefined && { origin: headers.origin }),
      ...(headers.host !== undefined && { host: headers.host }),
      ...(headers.auth !== undefined && { auth: headers.auth }),
      ...(tls.ca !== undefined && { ca: readFlagFile(tls.ca, '--ca') }),
      ...(tls.cert !== undefined && { cert: readFlagFile(tls.cert, '--cert') }),
      ...(tls.key !== undefined && { key: readFlagFile(tls.key, '--key') }),
      ...(typeof tls.passphrase === 'string' && { passphrase: tls.passphrase }),
      rejectUnauthorized: tls.checkCertificates,
      compression: get<boolean | undefined>(raw, 'compression') ?? false,
      ...(get<number | undefined>(raw, 'maxPayload') !== undefined && { maxMessageSize: get<number>(raw, 'maxPayload') }),
      handshakeTimeoutMs: secondsFlag(raw, 'handshakeTimeout', '--handshake-timeout') ?? 10_000,
    },
    vars: get<Record<string, string> | undefined>(raw, 'var') ?? {},
    ...(scenario && { scenario }),
  };
  const problem = scenario ? undefined : checkMessage(options);
  if (problem !== undefined) throw new UsageError(problem);
  const json = get<string | undefined>(raw, 'json');
  const report = get<string | undefined>(raw, 'report');
  const prometheus = get<number | undefined>(raw, 'prometheus');
  return {
    options,
    ...(json !== undefined && { json }),
    ...(report !== undefined && { report }),
    ...(prometheus !== undefined && { prometheus }),
    thresholds,
    quiet: get<boolean | undefined>(raw, 'quiet') ?? false,
    color: get<boolean | undefined>(raw, 'color') ?? true,
  };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (ws://host:port/path)`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) throw new UsageError(`'${url}': use a ws:// or wss:// URL`);
}

/** A duration flag in ms: `30` (seconds), `30s`, `500ms`, `2m`. */
function secondsFlag(raw: RawOptions, name: string, flag: string): number | undefined {
  const text = get<string | undefined>(raw, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} '${text}' is not a duration (30, 30s, 500ms, 2m)`);
  return ms;
}

/** `100`, `100/s`, `6000/m`: per second. */
function perSecond(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|min))?\s*$/.exec(text);
  if (!match?.[1]) throw new UsageError(`${flag} '${text}' is not a rate (100, 100/s, 6000/m)`);
  const value = Number(match[1]);
  return match[2] === undefined || match[2] === 's' ? value : value / 60;
}

function parseMatch(spec: string): MatchRule {
  if (spec === 'echo') return { kind: 'echo' };
  if (spec === 'next') return { kind: 'next' };
  if (spec.startsWith('json:')) {
    const path = spec.slice(5);
    const steps = parseJsonPath(path);
    if (steps === undefined) throw new UsageError(`--match ${spec}: '${path}' is not a JSON path ($.id, $.meta.seq, $.items[0])`);
    return { kind: 'json', path, steps };
  }
  throw new UsageError(`--match '${spec}' is not echo, next or json:$.PATH`);
}

/** `1024`, `1k`, `4KiB`, `1m`: bytes. */
function parseSize(text: string): number {
  const match = /^\s*(\d+)\s*(k|kb|kib|m|mb|mib)?\s*$/i.exec(text);
  if (!match?.[1]) throw new UsageError(`--size '${text}' is not a size in bytes (64, 1k, 1m)`);
  const unit = (match[2] ?? '').toLowerCase();
  const bytes = Number(match[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
  if (bytes < 1 || bytes > 64 * 1024 * 1024) throw new UsageError(`--size ${text}: from 1 byte to 64 MiB`);
  return bytes;
}

function readMessage(raw: RawOptions): LoadMessage {
  const text = get<string | undefined>(raw, 'message');
  const file = get<string | undefined>(raw, 'messageFile');
  const size = get<string | undefined>(raw, 'size');
  const binary = get<boolean | undefined>(raw, 'binary') ?? false;
  const given = [text !== undefined && '--message', file !== undefined && '--message-file', size !== undefined && '--size'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`use one of --message, --message-file and --size, not ${given.join(' and ')}`);
  if (text !== undefined) return { kind: 'template', text, binary, origin: 'text', spec: text };
  if (file !== undefined) {
    const bytes = readFlagFileBytes(file, '--message-file');
    const content = bytes.toString('utf8');
    // Text that survives a round trip through UTF-8 is a template; other bytes go as they are.
    if (Buffer.from(content, 'utf8').equals(bytes) && (!binary || content.includes('{{')))
      return { kind: 'template', text: content, binary, origin: 'file', spec: file };
    return { kind: 'bytes', base64: bytes.toString('base64'), binary: true, spec: file };
  }
  return { kind: 'generated', size: size === undefined ? DEFAULT_SIZE : parseSize(size), binary };
}

function readFlagFileBytes(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function readFlagFile(path: string, flag: string): string {
  return readFlagFileBytes(path, flag).toString('utf8');
}
