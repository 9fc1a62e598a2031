/**
 * The subcommands, run as a real process: `wscope listen PORT` serves and `wscope connect URL`
 * talks to it, each with its own --help (examples, defaults, slash commands, the one exit-code
 * table); wscat's `-c`/`-l` form is the same program.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket as WsClient } from 'ws';
import { EXIT_CODE_TABLE } from '../../src/cli/exit-codes.js';
import { CliProcess, killAll, ROOT, runCli } from './helpers.js';

afterEach(killAll);

/** The Examples section as [command, text] rows; a row without text gets ''. */
function exampleRows(help: string): Array<[string, string]> {
  const lines = help.split('Examples:\n')[1]!.split('\n\n')[0]!.split('\n');
  const rows: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^ {40}\S/.test(line) && rows.length > 0 && rows.at(-1)![1] === '') rows.at(-1)![1] = line.trim();
    else {
      const match = /^ {2}(\S.*?)(?: {2,}(\S.*))?$/.exec(line);
      assert.ok(match, `an example line: ${JSON.stringify(line)}`);
      rows.push([match[1]!, match[2] ?? '']);
    }
  }
  return rows;
}

async function listen(args: string[]): Promise<{ cli: CliProcess; port: number }> {
  const cli = new CliProcess(['listen', '0', '--host', '127.0.0.1', ...args]);
  const match = await cli.waitFor('stderr', /listening on port (\d+)/);
  return { cli, port: Number(match[1]) };
}

describe('subcommands', { timeout: 120_000 }, () => {
  test('wscope listen PORT --echo answers wscope connect URL, lines in, echoes out', async () => {
    const { cli: server, port } = await listen(['--echo']);
    const result = await runCli(['connect', `ws://127.0.0.1:${port}/x`, '-w', '0.3'], 'one\ntwo\n');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'one\ntwo\n');
    assert.match(result.stderr, /^connected to ws:\/\/127\.0\.0\.1:\d+\/x/);
    await server.waitFor('stderr', /#1 connected from 127\.0\.0\.1:\d+ \/x/);
  });

  test('a URL without a scheme gets ws://, as with -c', async () => {
    const { port } = await listen(['--echo']);
    const result = await runCli(['connect', `127.0.0.1:${port}`, '-x', 'hi', '-w', '0.3'], undefined);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`connected to ws://127\\.0\\.0\\.1:${port}/`));
  });

  test('connect-only flags are refused by listen, and listen-only ones by connect', async () => {
    const a = await runCli(['listen', '0', '-x', 'hi'], '');
    assert.equal(a.code, 2);
    assert.match(a.stderr, /^error: unknown option '-x'\n\(run 'wscope listen --help' for usage\)\n$/);
    const b = await runCli(['connect', 'ws://x', '--broadcast'], '');
    assert.equal(b.code, 2);
    assert.match(b.stderr, /^error: unknown option '--broadcast'\n\(run 'wscope connect --help' for usage\)\n$/);
  });

  test('a missing or bad argument, a bad flag value, an unknown command: one line, the hint, exit code 2', async () => {
    for (const [args, message, hint] of [
      [['connect'], /^error: missing required argument 'url'$/, 'connect'],
      [['listen', 'http'], /^error: command-argument value 'http' is invalid for argument 'port'\. expected an integer from 0 to 65535$/, 'listen'],
      [['listen', '0', '--cert', 'c.pem'], /^error: listen mode with TLS needs both --cert and --key$/, 'listen'],
      [['connect', 'ftp://x'], /^error: unsupported URL scheme ftp: in 'ftp:\/\/x' \(use ws: or wss:\)$/, 'connect'],
      [['conect', 'ws://x'], /^error: unknown command 'conect' \(did you mean connect\?\)$/, undefined],
      [['ws://127.0.0.1:8765/'], /^error: unknown command 'ws:\/\/127\.0\.0\.1:8765\/' \(to connect: wscope connect ws:\/\/127\.0\.0\.1:8765\/\)$/, undefined],
      [['8765'], /^error: unknown command '8765' \(to listen: wscope listen 8765\)$/, undefined],
    ] as const) {
      const result = await runCli([...args], '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, result.stderr);
      assert.match(lines[0]!, message);
      assert.equal(lines[1], hint ? `(run 'wscope ${hint} --help' for usage)` : "(run 'wscope --help' for usage)");
      assert.equal(result.code, 2);
    }
  });

  test('wscope --help lists the commands; each command has its own --help with examples, defaults, slash commands and the exit codes', async () => {
    const root = await runCli(['--help'], undefined);
    assert.equal(root.code, 0);
    assert.match(root.stdout, /Commands:\n {2}connect \[options\] <url> +connect to a WebSocket server/);
    assert.match(root.stdout, /\n {2}listen \[options\] <port> +serve WebSocket clients/);
    assert.ok(root.stdout.indexOf('Commands:') < root.stdout.indexOf('Options:'), 'the commands come first');
    const exitTable = EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(6)}${text}`).join('\n');
    assert.ok(root.stdout.includes(`Exit codes:\n${exitTable}\n`));
    for (const name of ['connect', 'listen']) {
      const help = await runCli([name, '--help'], undefined);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: wscope ${name} <(url|port)> \\[options\\]`));
      assert.ok(help.stdout.includes(`Exit codes:\n${exitTable}\n`), `${name}: the exit-code table`);
      assert.match(help.stdout, /Slash commands:\n[\s\S]*\/headers ID +listen mode: show the request headers/);
      assert.match(help.stdout, /--binary-view <view> +show binary messages as \(default: hex at a\s+terminal/);
      assert.match(help.stdout, /frozen peer is cut[\s\S]*0\.5 \+ \(0\.5 \+ 1 \+ 2\) = 4 s/);
      const examples = exampleRows(help.stdout);
      assert.ok(examples.length >= 4);
      for (const [command, text] of examples) {
        assert.match(command, /wscope /);
        assert.ok(text.length > 10, `${name}: '${command}' has its text, the last one too`);
      }
    }
    const connectHelp = (await runCli(['connect', '--help'], undefined)).stdout;
    assert.match(connectHelp, /-w, --wait <seconds> +seconds to wait after -x \(default 2\) or\s+after stdin ends \(default 0\)/);
    assert.match(connectHelp, /--no-compression +do not offer permessage-deflate/);
    const listenHelp = (await runCli(['listen', '--help'], undefined)).stdout;
    assert.match(listenHelp, /--no-compression +do not accept permessage-deflate/);
    assert.match(listenHelp, /wscope listen 9000 --echo -q/);
  });

  test("README's exit-code table is the one in --help", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const [code, text] of EXIT_CODE_TABLE) assert.ok(readme.includes(`\n| ${code} | ${text} |\n`), `README's row for exit code ${code}`);
  });

  test('the wscat form and the subcommand give the same listen server', async () => {
    const cli = new CliProcess(['-l', '0', '--host', '127.0.0.1', '--echo']);
    const port = Number((await cli.waitFor('stderr', /listening on port (\d+)/))[1]);
    const ws = new WsClient(`ws://127.0.0.1:${port}/`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('via -l'));
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
    });
    ws.terminate();
    assert.equal(reply, 'via -l');
  });
});
