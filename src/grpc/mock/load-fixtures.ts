/**
 * A `--mocks` file → the fixtures of each method: read (YAML or JSON, every value keeping its
 * place), checked against fixtures-schema.ts with ajv, then against the protos: the method must
 * exist, a unary or client-streaming method answers one message, every message (and every
 * status detail) must be proto3 JSON its type can hold — they are encoded now, by the room's
 * codec, so nothing is found wrong while serving. Every mistake is a GrpcMocksFileError starting
 * with `file:line:column` and naming the path inside the file.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { formatPlace, parseDuration, parseWithPlaces, SourceSyntaxError, type SourcePlaces } from '../../templating/index.js';
import type { GrpcJsonCodec } from '../json.js';
import { GrpcJsonError } from '../json-errors.js';
import { fixturesSchema } from './fixtures-schema.js';
import { type MockMethod, methodsOf } from './methods.js';

export class GrpcMocksFileError extends Error {
  override readonly name = 'GrpcMocksFileError';
}

export interface FixtureStatus {
  code: number;
  message: string;
  /** The encoded google.rpc.Status for `grpc-status-details-bin`, when the fixture gives details. */
  details?: Uint8Array;
}

/** One way to answer a method. */
export interface FixtureRule {
  /** The request must hold these fields (JSON subset of its proto3 JSON, default values included); undefined: any request. */
  match?: unknown;
  /** The replies, encoded; undefined: generated ones. */
  responses?: Uint8Array[];
  /** End with this status (after the replies); undefined: OK. */
  status?: FixtureStatus;
  delayMs: number;
  /** `file:line:column` of the rule, for the log. */
  place: string;
}

/** Rules by method path (`/package.Service/Method`). */
export type Fixtures = ReadonlyMap<string, readonly FixtureRule[]>;

type Path = ReadonlyArray<string | number>;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(fixturesSchema);

/** `codec` encodes the replies and details (the served schema's, with google.rpc's types). */
export function loadFixtures(file: string, root: protobuf.Root, codec: GrpcJsonCodec): Fixtures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GrpcMocksFileError(`${file}: cannot read it: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let parsed: { value: unknown; places: SourcePlaces };
  try {
    parsed = parseWithPlaces(text, file);
  } catch (error) {
    if (error instanceof SourceSyntaxError) throw new GrpcMocksFileError(error.message);
    throw error;
  }
  return new FixturesReader(file, parsed.value, parsed.places, root, codec).read();
}

class FixturesReader {
  constructor(
    private readonly file: string,
    private readonly value: unknown,
    private readonly places: SourcePlaces,
    private readonly root: protobuf.Root,
    private readonly codec: GrpcJsonCodec,
  ) {}

  read(): Fixtures {
    if (!validate(this.value)) this.schemaProblem(validate.errors ?? []);
    const methods = new Map(methodsOf(this.root).map((method) => [method.path, method]));
    const fixtures = new Map<string, FixtureRule[]>();
    const section = (this.value as { methods: Record<string, unknown> }).methods;
    for (const [name, rules] of Object.entries(section)) {
      const path = ['methods', name];
      const method = methods.get(name.startsWith('/') ? name : `/${name}`);
      if (!method) {
        const known = [...methods.keys()].map((key) => key.slice(1));
        this.fail(path, `no method ${name} in the protos (they have ${known.length > 0 ? known.join(', ') : 'no services'})`);
      }
      const list = Array.isArray(rules) ? rules : [rules];
      fixtures.set(
        method.path,
        list.map((rule, index) => this.rule(method, rule as Record<string, unknown>, Array.isArray(rules) ? [...path, index] : path)),
      );
    }
    return fixtures;
  }

  private rule(method: MockMethod, rule: Record<string, unknown>, path: Path): FixtureRule {
    const streams = method.kind === 'server-streaming' || method.kind === 'bidi-streaming';
    if (rule['responses'] !== undefined && !streams)
      this.fail([...path, 'responses'], `${method.path.slice(1)} is ${method.kind}: it answers one message (use response:)`);
    const replies = rule['response'] !== undefined ? [rule['response']] : (rule['responses'] as unknown[] | undefined);
    const key = rule['response'] !== undefined ? 'response' : 'responses';
    const result: FixtureRule = {
      delayMs: parseDuration(rule['delay']) ?? 0,
      place: formatPlace(this.places.at(this.value, path) ?? { file: this.file, line: 1, column: 1 }),
    };
    if (rule['match'] !== undefined) {
      this.encode(method.requestType, rule['match'], [...path, 'match']);
      result.match = rule['match'];
    }
    if (replies) {
      result.responses = replies.map((reply, index) => this.encode(method.responseType, reply, key === 'response' ? [...path, key] : [...path, key, index]));
    }
    const status = rule['status'] as { code: number | string; message?: string; details?: unknown[] } | undefined;
    if (status) {
      const code = typeof status.code === 'number' ? status.code : (GrpcStatus as unknown as Record<string, number>)[status.code]!;
      const message = status.message ?? '';
      result.status = { code, message };
      if (status.details !== undefined) {
        if (code === GrpcStatus.OK) this.fail([...path, 'status', 'details'], 'an OK status carries no details');
        // google.rpc.Status's JSON: each detail an Any, `{"@type": URL, ...its fields}`.
        const rpcStatus = this.codec.lookupType('google.rpc.Status')!;
        result.status.details = this.encode(rpcStatus, { code, message, details: status.details }, [...path, 'status']);
      }
    }
    return result;
  }

  /** The message as bytes, or a failure naming where in the file the JSON does not fit its type. */
  private encode(type: protobuf.Type, json: unknown, path: Path): Uint8Array {
    try {
      return this.codec.encodeJson(type, json);
    } catch (error) {
      if (!(error instanceof GrpcJsonError)) throw error;
      // The codec's path (`request.tags[0]`) continues the file's.
      const inside = error.path === '' ? [] : error.path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '');
      this.fail([...path, ...inside], error.message.slice(error.path === '' ? 0 : error.path.length + 2));
    }
  }

  private schemaProblem(errors: ErrorObject[]): never {
    const depth = (error: ErrorObject) => (error.instancePath === '' ? 0 : error.instancePath.split('/').length);
    const deepest = Math.max(...errors.map(depth));
    const there = errors.filter((error) => depth(error) === deepest);
    const best = there.find((error) => error.keyword === 'additionalProperties') ?? there.find((error) => error.keyword !== 'anyOf') ?? there[0]!;
    const path = best.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = best.keyword === 'additionalProperties' ? `: "${(best.params as { additionalProperty: string }).additionalProperty}"` : '';
    const message = best.keyword === 'not' ? 'use either response or responses, not both' : `${best.message ?? 'is not valid'}${extra}`;
    this.fail(path, message);
  }

  private fail(path: Path, message: string): never {
    const place = this.places.at(this.value, path) ?? { file: this.file, line: 1, column: 1 };
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    throw new GrpcMocksFileError(`${formatPlace(place)}: ${where}${message}`);
  }
}
