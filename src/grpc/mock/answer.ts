/**
 * What the mock answers one request with: the first fixture rule whose `match` the request holds,
 * or, for a method without fixtures, generated messages (one; three for a server stream, so a
 * client sees a stream). A method with fixtures of which none matches fails with NOT_FOUND and
 * says so, rather than inventing a reply the tester did not write.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { firstJsonDifference } from '../../matchers/index.js';
import type { FixtureRule, FixtureStatus, Fixtures } from './load-fixtures.js';
import { generateMessage } from './generate.js';
import type { MockMethod } from './methods.js';

/** A generated server stream's length. */
export const GENERATED_STREAM_LENGTH = 3;

export interface Answer {
  /** Encoded. */
  responses: Uint8Array[];
  /** undefined: OK. */
  status?: FixtureStatus;
  delayMs: number;
  /** Where it came from, for the log: a rule's `file:line:col`, or `generated`. */
  source: string;
}

/** `index`: which request of a bidi stream this answers (0 for the others), so generated replies differ. */
export function answerFor(method: MockMethod, fixtures: Fixtures, request: unknown, index = 0): Answer {
  const rules = fixtures.get(method.path);
  if (!rules) return generated(method, index);
  const rule = rules.find((candidate) => candidate.match === undefined || firstJsonDifference(candidate.match, request) === undefined);
  if (!rule) {
    return {
      responses: [],
      status: { code: GrpcStatus.NOT_FOUND, message: `wscope mock: no fixture of ${method.path.slice(1)} matched the request` },
      delayMs: 0,
      source: 'no fixture matched',
    };
  }
  return fromRule(method, rule, index);
}

function fromRule(method: MockMethod, rule: FixtureRule, index: number): Answer {
  // A rule with an error status and no replies fails at once; one without replies otherwise answers as a generated reply would.
  const fails = rule.status !== undefined && rule.status.code !== GrpcStatus.OK;
  const responses = rule.responses ?? (fails ? [] : generated(method, index).responses);
  return { responses, ...(rule.status && { status: rule.status }), delayMs: rule.delayMs, source: rule.place };
}

function generated(method: MockMethod, index: number): Answer {
  const count = method.kind === 'server-streaming' ? GENERATED_STREAM_LENGTH : 1;
  const type = method.responseType;
  const responses = Array.from({ length: count }, (_, n) => type.encode(type.fromObject(generateMessage(type, index + n))).finish());
  return { responses, delayMs: 0, source: 'generated' };
}
