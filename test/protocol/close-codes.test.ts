/** The close code registry: every code of the seed's table, every range, and what may be sent. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, describeCloseCode, formatCloseCode, isSendableCloseCode, registeredCloseCodes } from '../../src/protocol/index.js';

/** The seed's table, with RFC 6455 §7.4.1 / §7.4.2 on which codes may appear in a Close frame. */
const SEED_TABLE: Array<[number, string, boolean]> = [
  [1000, 'Normal Closure', true],
  [1001, 'Going Away', true],
  [1002, 'Protocol Error', true],
  [1003, 'Unsupported Data', true],
  [1004, 'Reserved', false],
  [1005, 'No Status Rcvd', false],
  [1006, 'Abnormal Closure', false],
  [1007, 'Invalid Frame Payload Data', true],
  [1008, 'Policy Violation', true],
  [1009, 'Message Too Big', true],
  [1010, 'Mandatory Extension', true],
  [1011, 'Internal Error', true],
  [1012, 'Service Restart', true],
  [1013, 'Try Again Later', true],
  [1014, 'Bad Gateway', true],
  [1015, 'TLS Handshake', false],
  [3000, 'Unauthorized', true],
  [3003, 'Forbidden', true],
];

describe('close code registry', () => {
  for (const [code, name, sendable] of SEED_TABLE) {
    test(`${code} ${name}: ${sendable ? 'may' : 'may not'} be sent`, () => {
      const info = describeCloseCode(code);
      assert.equal(info.code, code);
      assert.equal(info.name, name);
      assert.ok(info.meaning.length > 10, 'a meaning a tester can read');
      assert.equal(info.sendable, sendable);
      assert.equal(isSendableCloseCode(code), sendable);
      assert.equal(formatCloseCode(code), `${code} ${name}`);
    });
  }

  test('registeredCloseCodes lists exactly the seed table, in order', () => {
    assert.deepEqual(
      registeredCloseCodes().map((info) => [info.code, info.name, info.sendable]),
      SEED_TABLE,
    );
  });

  test("the 1014 meaning keeps the seed's gateway explanation", () => {
    assert.match(describeCloseCode(1014).meaning, /gateway or proxy/);
  });

  const RANGES: Array<[string, number, number, string, boolean]> = [
    ['below 1000', 0, 999, 'Invalid', false],
    ['1016-2999, reserved for the protocol', 1016, 2999, 'Unassigned', false],
    ['3001-3002, IANA, unassigned', 3001, 3002, 'Unassigned', true],
    ['3004-3999, IANA, unassigned', 3004, 3999, 'Unassigned', true],
    ['4000-4999, private use', 4000, 4999, 'Private Use', true],
    ['5000 and above', 5000, 65535, 'Invalid', false],
  ];
  for (const [label, first, last, name, sendable] of RANGES) {
    test(`every code of ${label}: ${name}, ${sendable ? 'sendable' : 'not sendable'}`, () => {
      for (let code = first; code <= last; code++) {
        const info = describeCloseCode(code);
        assert.equal(info.name, name, `code ${code}`);
        assert.equal(info.sendable, sendable, `code ${code}`);
        assert.equal(isSendableCloseCode(code), sendable, `code ${code}`);
        assert.ok(info.meaning.length > 0);
      }
    });
  }

  test('range meanings say why', () => {
    assert.match(describeCloseCode(4000).meaning, /private use/);
    assert.match(describeCloseCode(999).meaning, /below 1000/);
    assert.match(describeCloseCode(5000).meaning, /5000/);
  });

  test('numbers that are not 16-bit integers are invalid', () => {
    for (const code of [-1, 1000.5, 65536, Number.NaN, Infinity]) {
      const info = describeCloseCode(code);
      assert.equal(info.name, 'Invalid', String(code));
      assert.equal(info.sendable, false, String(code));
    }
  });

  test('formatCloseCode', () => {
    assert.equal(formatCloseCode(1008), '1008 Policy Violation');
    assert.equal(formatCloseCode(1000), '1000 Normal Closure');
    assert.equal(formatCloseCode(4321), '4321 Private Use');
    assert.equal(formatCloseCode(2000), '2000 Unassigned');
    assert.equal(formatCloseCode(7000), '7000 Invalid');
  });

  test('the CloseCode constants match the registry', () => {
    for (const [key, code] of Object.entries(CloseCode)) {
      assert.ok(
        registeredCloseCodes().some((info) => info.code === code),
        `${key} = ${code}`,
      );
    }
  });
});
