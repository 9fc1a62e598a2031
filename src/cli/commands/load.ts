/**
 * `wscope load URL`: many connections, many messages, the reply latency of each; and
 * `wscope load compare A.json B.json`, `wscope load merge A.json B.json... -o OUT.json` over the
 * `--json` results. The options are read in ../load/settings.ts, the run is src/load/.
 */
import { type Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { collect, headerFlags, integer, type RawOptions, tlsFlags, variableFlag } from '../flags.js';
import { EXIT_CODES_HELP, examples } from '../help-text.js';
import { THRESHOLD_HELP } from '../load/threshold-help.js';
import type { Subcommand } from './subcommand.js';

const LOAD_HELP = `
${examples([
  ['wscope load ws://localhost:8080 -c 100 -d 30s', '100 connections for 30 s, each sending when the last reply came (closed loop)'],
  ['wscope load URL -c 50 --rate 20/s -m \'{"id":{{$seq}}}\' --match json:$.id', '20 messages/s per connection, replies paired by their id'],
  ['wscope load URL -c 1000 --ramp 10 --rate 5000/s --rate-scope total', '5000 messages/s spread over 1000 connections opened over 10 s'],
  ['wscope load URL -c 200 --messages 100 --size 512 --binary', 'each connection sends 100 binary messages of 512 bytes'],
  ["wscope load URL -d 60 --json run.json --threshold 'p99<50ms' --threshold 'errors<0.1%'", 'CI: exit 14 when a threshold fails'],
  ['wscope load URL -c 20 -d 30s --scenario chat.wscope.yaml', "20 virtual users each running the file's scenarios again and again, against URL"],
  ['wscope load compare before.json after.json', 'what changed between two runs'],
  ['wscope load merge a.json b.json -o all.json', 'results of several machines, combined exactly'],
])}

Sending: --rate R/s is an open loop: messages leave on schedule whether or not replies came,
and latency is measured from the time each message was due (coordinated omission corrected).
Without --rate, each connection keeps --in-flight K requests awaiting replies (default 1).

Counting: sent = matched + unmatched + timed out. Matched: the reply arrived. Timed out: none
within --reply-timeout. Unmatched: its connection closed, or the run ended, while it waited.
Received messages that answer no waiting request (pushes, late replies) count as unsolicited.

Scenarios: with --scenario FILE each connection is a virtual user running the file's scenarios
(its connect, send, expect... steps) again and again for --duration, or --iterations N times.
A send is a request; the next expect or waitFor on its connection checks its reply (latency:
from the send to the reply's arrival; a failed check is timed out or unmatched). URL, when
given, replaces the scheme, host and port of every connect (and its path, if URL has one).

${THRESHOLD_HELP}

${EXIT_CODES_HELP}`;

function defineRun(command: Command): void {
  const group = (name: string) => (option: Option) => command.addOption(option.helpGroup(name));
  const load = group('Load:');
  load(new Option('-c, --connections <n>', 'connections (virtual users) to keep open').argParser(integer(1, 10_000_000)).default(1));
  load(new Option('--ramp <s>', 'open the connections over this many seconds (default: at once)'));
  load(new Option('--connect-rate <r/s>', 'open at most r connections per second'));
  load(new Option('-d, --duration <s>', 'send for this long from the start: 30, 30s, 2m (default 10 s unless --messages)'));
  load(new Option('--messages <n>', 'each connection sends n messages, then closes once their replies are in').argParser(integer(1, Number.MAX_SAFE_INTEGER)));
  load(new Option('--rate <r/s>', 'open loop: r messages per second per connection (see --rate-scope)'));
  load(new Option('--rate-scope <scope>', "'connection' (default): --rate on each; 'total': --rate over all together").choices(['connection', 'total']));
  load(
    new Option('--in-flight <k>', 'requests awaiting a reply per connection: closed loop (default 1); with --rate, the cap').argParser(integer(1, 1_000_000)),
  );
  load(
    new Option('-w, --workers <n>', `worker threads the connections are spread over (default: the cores, ${availableParallelism()} here)`).argParser(
      integer(1, 1024),
    ),
  );
  load(new Option('--local-address <addresses>', 'source addresses to spread connections over: 127.0.0.1-127.0.0.20, or a comma list'));
  const send = group('Messages:');
  send(new Option('-m, --message <text>', 'the message: {{$seq}}, {{$uuid}}, {{conn}} (the connection number), {{seq}} (its message number)'));
  send(new Option('--message-file <file>', "the message is the file's content (a template if it is text)"));
  send(new Option('--size <bytes>', 'generated messages of this many bytes: 64, 1k, 1m (default 32)'));
  send(new Option('--binary', 'send binary messages (default: text)'));
  send(new Option('--var <name=value>', 'a variable for the message template; repeat for several').argParser(variableFlag));
  send(
    new Option(
      '--match <rule>',
      'pair a reply with its request: echo (the same payload back), json:$.id (a field carried back), next (the next message)',
    ).default('echo'),
  );
  send(new Option('--reply-timeout <s>', 'a request without a reply after this long counts as timed out').default('5'));
  send(new Option('--compression', 'offer permessage-deflate (off for load: each compressed connection holds zlib contexts)'));
  send(new Option('--max-payload <bytes>', 'largest message accepted; larger ones close with 1009').argParser(integer(1, 2 ** 32)));
  send(new Option('--handshake-timeout <s>', 'a connection not open after this long has failed').default('10'));
  const scenario = group('Scenario:');
  scenario(new Option('--scenario <file>', 'each virtual user runs the scenarios of this *.wscope.yaml file (instead of sending --message)'));
  scenario(
    new Option('--iterations <n>', 'with --scenario: each user runs the scenarios n times, then the run ends (instead of --duration)').argParser(
      integer(1, Number.MAX_SAFE_INTEGER),
    ),
  );
  scenario(new Option('--env <name>', "with --scenario: the file's environment (default: default)"));
  scenario(new Option('--grep <pattern>', 'with --scenario: run only the scenarios whose name matches (a regular expression)'));
  const out = group('Results:');
  out(new Option('--json <file>', 'write every figure and the histograms as JSON (compare and merge read it)'));
  out(
    new Option('--prometheus <port>', 'serve the counters on http://127.0.0.1:PORT/metrics (Prometheus text format) while the run lasts').argParser(
      integer(0, 65535),
    ),
  );
  out(new Option('--report <file>', 'write an HTML report: the summary and plots of latency, throughput and connections (one file, works offline)'));
  out(
    new Option('--threshold <expr>', "fail the run (exit 14) unless this holds: 'p99<50ms', 'errors<0.1%', 'rate>1000/s'; repeat for several").argParser(
      collect,
    ),
  );
  out(new Option('-q, --quiet', 'no live view, only the summary'));
  out(new Option('--no-color', 'run without color'));
  headerFlags.add(command, 'client');
  tlsFlags.add(command, 'client');
}

export const loadCommand: Subcommand = {
  name: 'load',
  summary: 'load test: many connections and messages, reply latency from HDR histograms, CI thresholds',
  define(command: Command, schedule) {
    command
      .description('Open many connections, send on a schedule or in a closed loop, and measure the latency of every reply.')
      .argument('[url]', "the server, ws:// or wss:// (with --scenario: optional, replaces the scenario's target)")
      .usage('<url> [options]  |  compare <a.json> <b.json>  |  merge <a.json> <b.json>... -o <out.json>');
    defineRun(command);
    command.addHelpText('after', LOAD_HELP);
    command.action((url: string | undefined, raw: RawOptions) =>
      schedule(async () => {
        // Loaded when asked for: the engine and its histograms cost every other command nothing.
        const [{ readLoadSettings }, { runLoad }] = await Promise.all([import('../load/settings.js'), import('../load/load-mode.js')]);
        return runLoad(readLoadSettings(url, raw));
      }),
    );
    command
      .command('compare')
      .description('Print the differences between two --json results: each figure, B - A, B / A, better or worse.')
      .argument('<a>', 'the baseline result (JSON)')
      .argument('<b>', 'the result to compare with it')
      .action((a: string, b: string) => schedule(async () => (await import('../load/files-mode.js')).runCompare(a, b)));
    command
      .command('merge')
      .description('Combine --json results (e.g. of several machines) exactly: counts summed, histograms added.')
      .argument('<files...>', 'results to merge')
      .requiredOption('-o, --output <file>', 'where to write the merged result')
      .action((files: string[], raw: RawOptions) => schedule(async () => (await import('../load/files-mode.js')).runMerge(files, raw['output'] as string)));
  },
};
