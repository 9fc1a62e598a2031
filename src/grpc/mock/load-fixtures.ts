/**
 * A `--mocks` file → the fixtures of each method: read (YAML or JSON, every value keeping its
 * place), checked against fixtures-schema.ts with ajv, then against the protos: the method must
 * exist, a unary or client-streaming method answers one message, every message and detail must
 * be one its type can hold. Every mistake is a GrpcMocksFileError starting with `file:line:column`
 * and naming the path inside the file.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { status as GrpcStatus } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { formatPlace, parseDuration, parseWithPlaces, SourceSyntaxError, type SourcePlaces } from '../../templating/index.js';
import { fixturesSchema } from './fixtures-schema.js';
import { type MockMethod, methodsOf } from './methods.js';
import { detailType } from './status-details.js';

export class GrpcMocksFileError extends Error {
  override readonly name = 'GrpcMocksFileError';
}

export interface FixtureStatus {
  code: number;
  message: string;
  /** google.rpc.Status details, each with its "@type". */
  details: Array<Record<string, unknown>>;
}

/** One way to answer a method. */
export interface FixtureRule {
  /** The request must hold these fields (JSON subset); undefined: any request. */
  match?: unknown;
  /** The replies, in protobufjs' object form; undefined: generated ones. */
  responses?: Array<Record<string, unknown>>;
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

export function loadFixtures(file: string, root: protobuf.Root): Fixtures {
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
  return new FixturesReader(file, parsed.value, parsed.places, root).read();
}

class FixturesReader {
  constructor(
    private readonly file: string,
    private readonly value: unknown,
    private readonly places: SourcePlaces,
    private readonly root: protobuf.Root,
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
      this.checkMessage(method.requestType, rule['match'] as Record<string, unknown>, [...path, 'match']);
      result.match = rule['match'];
    }
    if (replies) {
      result.responses = replies.map((reply, index) => {
        const at = key === 'response' ? [...path, key] : [...path, key, index];
        this.checkMessage(method.responseType, reply as Record<string, unknown>, at);
        return reply as Record<string, unknown>;
      });
    }
    const status = rule['status'] as { code: number | string; message?: string; details?: Array<Record<string, unknown>> } | undefined;
    if (status) {
      const code = typeof status.code === 'number' ? status.code : (GrpcStatus as unknown as Record<string, number>)[status.code]!;
      const details = status.details ?? [];
      details.forEach((detail, index) => {
        const at = [...path, 'status', 'details', index];
        const typeUrl = String(detail['@type']);
        const type = detailType(typeUrl, this.root);
        if (!type) this.fail([...at, '@type'], `unknown detail type ${typeUrl}: not in the protos nor among google.rpc's error details`);
        const { '@type': _typeUrl, ...fields } = detail;
        this.checkMessage(type, fields, at);
      });
      if (code === 0 && details.length > 0) this.fail([...path, 'status', 'details'], 'an OK status carries no details');
      result.status = { code, message: status.message ?? '', details };
    }
    return result;
  }

  /** Every key is a field of `type` (by its JSON name or its proto name), recursively, and protobufjs can build the message. */
  private checkMessage(type: protobuf.Type, value: Record<string, unknown>, path: Path): void {
    for (const [key, fieldValue] of Object.entries(value)) {
      const field = type.fields[key] ?? type.fieldsArray.find((candidate) => candidate.name === key || candidate.options?.['json_name'] === key);
      if (!field)
        this.fail([...path, key], `${type.fullName.slice(1)} has no field "${key}" (it has ${type.fieldsArray.map((f) => f.name).join(', ') || 'none'})`);
      field.resolve();
      const nested = field.resolvedType;
      if (nested instanceof protobuf.Type && !field.map && fieldValue !== null && typeof fieldValue === 'object') {
        if (field.repeated && Array.isArray(fieldValue))
          fieldValue.forEach((item, index) => this.checkMessage(nested, item as Record<string, unknown>, [...path, key, index]));
        else if (!Array.isArray(fieldValue)) this.checkMessage(nested, fieldValue as Record<string, unknown>, [...path, key]);
      }
    }
    try {
      type.fromObject(value);
    } catch (error) {
      this.fail(path, `not a ${type.fullName.slice(1)}: ${(error as Error).message}`);
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
