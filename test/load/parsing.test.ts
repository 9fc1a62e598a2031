/** The pure parts of load: thresholds, source address ranges, JSON paths, and the pending table under growth. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonKey, parseJsonPath, parseLocalAddresses, parseThreshold } from '../../src/load/index.js';
import { PendingTable } from '../../src/load/pending.js';

describe('parseThreshold', () => {
  const cases: Array<[string, { metric: string; operator: string; limit: number; asCount: boolean }]> = [
    ['p99<50ms', { metric: 'p99', operator: '<', limit: 50_000, asCount: false }],
    ['p99.9 <= 1.5s', { metric: 'p99.9', operator: '<=', limit: 1_500_000, asCount: false }],
    ['p50<800us', { metric: 'p50', operator: '<', limit: 800, asCount: false }],
    ['max<20', { metric: 'max', operator: '<', limit: 20_000, asCount: false }],
    ['errors<0.1%', { metric: 'errors', operator: '<', limit: 0.001, asCount: false }],
    ['errors<10', { metric: 'errors', operator: '<', limit: 10, asCount: true }],
    ['rate>1000/s', { metric: 'rate', operator: '>', limit: 1000, asCount: false }],
    ['connect-p99<200ms', { metric: 'connect-p99', operator: '<', limit: 200_000, asCount: false }],
    ['timeouts>=0%', { metric: 'timeouts', operator: '>=', limit: 0, asCount: false }],
  ];
  for (const [text, expected] of cases) {
    test(text, () => {
      const { metric, operator, limit, asCount } = parseThreshold(text);
      assert.deepEqual({ metric, operator, limit: Math.round(limit * 1e9) / 1e9, asCount }, expected);
    });
  }
  for (const [text, message] of [
    ['p99', /is not METRIC<VALUE/],
    ['p99=5ms', /is not METRIC<VALUE/],
    ['latency<5ms', /unknown figure 'latency'/],
    ['rate>5ms', /rate takes a rate per second/],
    ['p99<5%', /p99 takes a time/],
  ] as const) {
    test(`'${text}' is refused`, () => assert.throws(() => parseThreshold(text), message));
  }
});

describe('parseLocalAddresses', () => {
  test('a range, a short range and a list', () => {
    assert.deepEqual(parseLocalAddresses('127.0.0.1-127.0.0.3'), ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    assert.deepEqual(parseLocalAddresses('10.0.0.254-10.0.1.1'), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    assert.deepEqual(parseLocalAddresses('127.0.0.5-6,::1'), ['127.0.0.5', '127.0.0.6', '::1']);
  });
  test('what is not an address is refused', () => {
    assert.throws(() => parseLocalAddresses('localhost'), /not an IP address/);
    assert.throws(() => parseLocalAddresses('127.0.0.1,'), /empty address/);
    assert.throws(() => parseLocalAddresses('::1-::2'), /ranges are of IPv4/);
    assert.throws(() => parseLocalAddresses('10.0.0.0-10.2.0.0'), /more than 65536/);
  });
});

describe('--match json: paths', () => {
  test('dotted names, indexes and quoted names', () => {
    assert.deepEqual(parseJsonPath('$.id'), ['id']);
    assert.deepEqual(parseJsonPath('$.meta.items[2]["a b"]'), ['meta', 'items', 2, 'a b']);
    assert.equal(parseJsonPath('id'), undefined);
    assert.equal(parseJsonPath('$'), undefined);
    assert.equal(parseJsonPath('$..id'), undefined);
  });
  test('the key is the value as JSON: 1 and "1" differ, a missing one is none', () => {
    const steps = parseJsonPath('$.r.id')!;
    assert.equal(jsonKey('{"r":{"id":1}}', steps), '1');
    assert.equal(jsonKey('{"r":{"id":"1"}}', steps), '"1"');
    assert.equal(jsonKey('{"r":{}}', steps), undefined);
    assert.equal(jsonKey('not json', steps), undefined);
  });
});

describe('PendingTable', () => {
  test('grows past its capacity with requests still waiting, and times out oldest first', () => {
    const table = new PendingTable<string, null>(4);
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(table.add(`u${i}`, null, i, i));
    // Resolve some from the middle and the front; the rest still wait, with their times kept.
    for (const id of [0, 3, 4]) table.resolve(id);
    assert.equal(table.count, 7);
    for (let i = 10; i < 20; i++) ids.push(table.add(`u${i}`, null, i, i));
    assert.equal(table.intendedOf(ids[7]!), 7);
    assert.equal(table.isWaiting(ids[3]!), false);
    assert.equal(table.isWaiting(ids[5]!), true);
    const expired: string[] = [];
    table.expire(8, (owner) => expired.push(owner));
    assert.deepEqual(expired, ['u1', 'u2', 'u5', 'u6', 'u7', 'u8']);
    assert.equal(table.count, 11);
    assert.equal(table.isWaiting(ids[1]!), false);
    assert.equal(table.isWaiting(ids[9]!), true);
  });
});
