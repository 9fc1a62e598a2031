/** The CLI's pure parts: flags as wscat reads them, slash-command parsing, views, colour choice. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectSettings } from '../../src/cli/commands/connect.js';
import { readWscatSettings } from '../../src/cli/commands/wscat.js';
import { buildProgram } from '../../src/cli/main.js';
import { colorWanted, palette } from '../../src/cli/terminal/colors.js';
import { ExitCode, exitCodeForClose, exitCodeForConnectError } from '../../src/cli/exit-codes.js';
import { formatBinary, formatClose, formatJson, hexDump } from '../../src/cli/format.js';
import { parseSlash } from '../../src/cli/slash-commands.js';
import { heartbeatOption } from '../../src/cli/socket-options.js';
import { HandshakeError } from '../../src/index.js';

/** wscat's form, `wscope -c URL ...`, read into connect mode's settings. */
function parse(...argv: string[]): ConnectSettings {
  const program = buildProgram('0.0.0', () => {});
  program.parse(argv, { from: 'user' });
  const wanted = readWscatSettings(program.opts());
  assert.equal(wanted.mode, 'connect');
  return wanted.settings as ConnectSettings;
}

describe('flags, read as wscat reads them', () => {
  test('-w -1 waits forever; -x repeats; -n turns certificate checks off; --no-color', () => {
    const cli = parse('-c', 'localhost:8765/x', '-x', 'a', '-x', 'b', '-w', '-1', '-n', '--no-color');
    assert.equal(cli.url, 'ws://localhost:8765/x');
    assert.deepEqual(cli.execute, ['a', 'b']);
    assert.equal(cli.wait, -1);
    assert.equal(cli.tls.checkCertificates, false);
    assert.equal(cli.output.color, false);
  });

  test('defaults: certificates checked, colour on, 10 redirects, not followed, no reconnect', () => {
    const cli = parse('-c', 'wss://example.test');
    assert.equal(cli.url, 'wss://example.test');
    assert.equal(cli.tls.checkCertificates, true);
    assert.equal(cli.output.color, true);
    assert.equal(cli.maxRedirects, 10);
    assert.equal(cli.followRedirects, false);
    assert.equal(cli.reconnect, undefined);
    assert.equal(cli.compression.compression, true);
  });

  test('-L, --max-redirects N, --passphrase without a value, --no-compression', () => {
    const cli = parse('-c', 'ws://x', '-L', '--max-redirects', '3', '--passphrase', '--no-compression');
    assert.equal(cli.followRedirects, true);
    assert.equal(cli.maxRedirects, 3);
    assert.equal(cli.tls.passphrase, true);
    assert.equal(cli.compression.compression, false);
  });

  test('--reconnect alone is forever, --reconnect N is N attempts', () => {
    assert.equal(parse('-c', 'ws://x', '--reconnect').reconnect, Infinity);
    assert.equal(parse('-c', 'ws://x', '--reconnect', '4').reconnect, 4);
  });

  test('heartbeat flags map to the heartbeat socket option in milliseconds', () => {
    assert.deepEqual(heartbeatOption(parse('-c', 'ws://x', '--ping-interval', '10', '--ping-timeout', '2.5', '--ping-retries', '3').heartbeat), {
      interval: 10_000,
      timeout: 2500,
      retries: 3,
    });
    assert.deepEqual(heartbeatOption(parse('-c', 'ws://x', '--ping-interval', '0.5').heartbeat), { interval: 500, timeout: 500, retries: 2 });
    assert.equal(heartbeatOption(parse('-c', 'ws://x').heartbeat), undefined);
    assert.throws(() => parse('-c', 'ws://x', '--ping-timeout', '1'), /--ping-timeout and --ping-retries need --ping-interval/);
  });

  test('-p 13 is the only protocol version', () => {
    assert.doesNotThrow(() => parse('-c', 'ws://x', '-p', '13'));
    assert.throws(() => parse('-c', 'ws://x', '-p', '8'), /protocol version 8 is not supported/);
  });
});

describe('slash commands', () => {
  test('wscat forms: /ping [data], /pong [data], /close [code [, reason]]', () => {
    assert.deepEqual(parseSlash('/ping'), { kind: 'ping', data: '' });
    assert.deepEqual(parseSlash('/ping hello you'), { kind: 'ping', data: 'hello you' });
    assert.deepEqual(parseSlash('/pong x'), { kind: 'pong', data: 'x' });
    assert.deepEqual(parseSlash('/close'), { kind: 'close', code: undefined, reason: '' });
    assert.deepEqual(parseSlash('/close 4001 bye  now'), { kind: 'close', code: 4001, reason: 'bye  now' });
    assert.deepEqual(parseSlash('/close 4001, bye'), { kind: 'close', code: 4001, reason: 'bye' });
    assert.deepEqual(parseSlash('/close soon'), { kind: 'invalid', message: "'soon' is not a close code" });
  });

  test("wscope's own: /binary, /file, /to, /headers, //escape", () => {
    assert.deepEqual(parseSlash('/binary 00 ff10'), { kind: 'binary', data: Buffer.from([0, 0xff, 0x10]) });
    assert.equal(parseSlash('/binary 0g').kind, 'invalid');
    assert.deepEqual(parseSlash('/file /tmp/a b'), { kind: 'file', path: '/tmp/a b' });
    assert.deepEqual(parseSlash('/to #2 /close 1000'), { kind: 'to', id: 2, line: '/close 1000' });
    assert.deepEqual(parseSlash('/headers 3'), { kind: 'headers', id: 3 });
    assert.deepEqual(parseSlash('//etc/passwd'), { kind: 'message', text: '/etc/passwd' });
    assert.deepEqual(parseSlash('plain'), { kind: 'message', text: 'plain' });
  });
});

describe('views', () => {
  test('close codes carry their registered meaning', () => {
    assert.equal(formatClose(1008, 'token expired'), 'closed 1008 Policy Violation: "token expired"');
    assert.equal(formatClose(1000, ''), 'closed 1000 Normal Closure');
    assert.equal(formatClose(4001, 'x'), 'closed 4001 Private Use: "x"');
  });

  test('hex dump: offset, 16 bytes in two groups, printable ASCII', () => {
    assert.deepEqual(hexDump(Buffer.from('Hello, WebSocket world')), [
      '00000000  48 65 6c 6c 6f 2c 20 57  65 62 53 6f 63 6b 65 74  |Hello, WebSocket|',
      '00000010  20 77 6f 72 6c 64                                 | world|',
    ]);
  });

  test('binary views: hex, base64, utf8', () => {
    const data = Buffer.from('Hi\n');
    assert.deepEqual(formatBinary(data, 'base64'), ['[binary 3 B] SGkK']);
    assert.deepEqual(formatBinary(data, 'utf8'), ['[binary 3 B] Hi\n']);
    assert.equal(formatBinary(data, 'hex').length, 2);
  });

  test('JSON is pretty-printed and coloured when colour is on; other text is left alone', () => {
    assert.deepEqual(formatJson('{"a":[1,"x"]}', palette(false)), ['{', '  "a": [', '    1,', '    "x"', '  ]', '}']);
    assert.equal(formatJson('not json', palette(false)), undefined);
    assert.equal(formatJson('{broken', palette(false)), undefined);
    assert.match(formatJson('{"a":1}', palette(true))!.join('\n'), /\u001b\[36m"a"\u001b\[39m: \u001b\[33m1\u001b\[39m/);
  });

  test('colour: only on a terminal, never with --no-color or a non-empty NO_COLOR', () => {
    assert.equal(colorWanted(true, true, {}), true);
    assert.equal(colorWanted(true, false, {}), false);
    assert.equal(colorWanted(false, true, {}), false);
    assert.equal(colorWanted(true, true, { NO_COLOR: '1' }), false);
    assert.equal(colorWanted(true, true, { NO_COLOR: '' }), true);
  });
});

describe('exit codes', () => {
  test('from close codes', () => {
    assert.equal(exitCodeForClose(1000, false), ExitCode.Normal);
    assert.equal(exitCodeForClose(1001, false), ExitCode.Normal);
    assert.equal(exitCodeForClose(1005, false), ExitCode.Normal);
    assert.equal(exitCodeForClose(1006, false), ExitCode.ConnectionLost);
    assert.equal(exitCodeForClose(1008, false), ExitCode.ClosedWithError);
    assert.equal(exitCodeForClose(1002, true), ExitCode.ProtocolError);
  });

  test('from connect errors', () => {
    assert.equal(exitCodeForConnectError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), ExitCode.ConnectFailed);
    assert.equal(exitCodeForConnectError(new HandshakeError('WS_ERR_BAD_STATUS', 403, 'Forbidden')), ExitCode.HandshakeFailed);
    assert.equal(exitCodeForConnectError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), ExitCode.TlsFailed);
  });
});
