/**
 * How a gRPC command reaches its server: TLS by default (`--plaintext` for h2c), `--ca`,
 * `--cert`/`--key`, `-n` (any certificate), `--authority`, `--max-msg-size`; `-H` metadata
 * (sent with reflection's questions too) and `--deadline`.
 */
import type { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ConnectionOptions } from '../../grpc/index.js';
import { collect, type RawOptions } from '../flags.js';
import { UsageError } from '../usage-error.js';

export interface GrpcConnectionSettings {
  plaintext: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  checkCertificates: boolean;
  authority?: string;
  maxMessageSize?: number;
  /** `-H 'key: value'`, in order; `-bin` keys' values are base64. */
  metadata: Array<[string, string]>;
  /** Seconds the call (or reflection) may take. */
  deadline?: number;
}

function bytesCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 2 ** 31 - 1) throw new InvalidArgumentError('expected a number of bytes from 1 to 2147483647');
  return n;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
}

export const grpcConnectionFlags = {
  add(command: Command): void {
    const connection = 'Connection (TLS unless --plaintext):';
    const add = (option: Option, group = connection) => command.addOption(option.helpGroup(group));
    add(new Option('--plaintext', 'speak HTTP/2 without TLS (h2c)'));
    add(new Option('--ca <file>', 'PEM certificates to trust instead of the system’s'));
    add(new Option('--cert <file>', 'a client certificate (PEM), with --key'));
    add(new Option('--key <file>', 'the client certificate’s private key (PEM)'));
    add(new Option('-n, --insecure', 'accept any server certificate'));
    add(new Option('--authority <name>', 'the :authority to send, and the name the server certificate must carry'));
    add(new Option('--max-msg-size <bytes>', 'the largest message to send or receive (default: 4 MiB received)').argParser(bytesCount));
    const call = 'Call:';
    add(new Option('-H, --header <key: value>', 'request metadata; repeat for several; a -bin key takes base64').argParser(collect), call);
    add(new Option('--deadline <seconds>', 'give up (DEADLINE_EXCEEDED) after this long').argParser(positiveSeconds), call);
  },
  read(raw: RawOptions): GrpcConnectionSettings {
    const plaintext = raw['plaintext'] === true;
    const settings: GrpcConnectionSettings = { plaintext, checkCertificates: raw['insecure'] !== true, metadata: [] };
    for (const name of ['ca', 'cert', 'key', 'authority'] as const) {
      const value = raw[name] as string | undefined;
      if (value !== undefined) settings[name] = value;
    }
    if (plaintext) {
      for (const name of ['ca', 'cert', 'key', 'insecure'] as const) {
        if (raw[name] !== undefined) throw new UsageError(`--${name} is for TLS, which --plaintext turns off`);
      }
    }
    if ((settings.cert === undefined) !== (settings.key === undefined)) throw new UsageError('--cert and --key go together');
    if (raw['maxMsgSize'] !== undefined) settings.maxMessageSize = raw['maxMsgSize'] as number;
    if (raw['deadline'] !== undefined) settings.deadline = raw['deadline'] as number;
    for (const header of (raw['header'] as string[] | undefined) ?? []) settings.metadata.push(parseMetadata(header));
    return settings;
  },
};

/** `key: value` → [key, value], with the checks gRPC's metadata rules make (lowercase ASCII keys; -bin values base64). */
export function parseMetadata(header: string): [string, string] {
  const colon = header.indexOf(':');
  if (colon <= 0) throw new UsageError(`header '${header}' is not in the form 'key: value'`);
  const key = header.slice(0, colon).trim().toLowerCase();
  const value = header.slice(colon + 1).trim();
  if (!/^[0-9a-z_.-]+$/.test(key)) throw new UsageError(`metadata key '${key}' may hold only 0-9 a-z _ . -`);
  if (key.startsWith('grpc-')) throw new UsageError(`metadata key '${key}': grpc- keys are reserved for gRPC itself`);
  if (key.endsWith('-bin') && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new UsageError(`metadata '${key}': a -bin value must be base64`);
  return [key, value];
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** The room's ConnectionOptions for `target`, the PEM files read. */
export function connectionOptions(target: string, settings: GrpcConnectionSettings): ConnectionOptions {
  const options: ConnectionOptions = { target, tls: false };
  if (!settings.plaintext) {
    options.tls = { checkCertificates: settings.checkCertificates };
    if (settings.ca !== undefined) options.tls.ca = readPem('--ca', settings.ca);
    if (settings.cert !== undefined) options.tls.cert = readPem('--cert', settings.cert);
    if (settings.key !== undefined) options.tls.key = readPem('--key', settings.key);
  }
  if (settings.authority !== undefined) options.authority = settings.authority;
  if (settings.maxMessageSize !== undefined) options.maxMessageSize = settings.maxMessageSize;
  return options;
}
