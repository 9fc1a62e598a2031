/**
 * Micro-benchmarks of the hot paths, ours against ws's own functions, in one process:
 * unmask in place and mask-while-copying (ws with and without bufferutil), UTF-8 checks,
 * a server receiving frames (our Connection.receiveData against ws's Receiver fed the same
 * bytes) and framing a message to send (Connection.send* against ws's Sender.frame).
 *
 *   node dist/bench/micro.js [--quick] [--filter <text>]
 *
 * Each case alternates ours and ws for several samples and keeps the median throughput.
 */
import { Connection, applyMask, copyMasked, isValidUtf8, Utf8Validator } from '../src/protocol/index.js';
import { serializeFrame } from '../src/protocol/frame.js';
import { median, formatCount, formatRatio, sizeLabel } from './lib/stats.js';
import { wsBufferUtil, wsBufferUtilWithoutNative, wsIsValidUtf8, wsNativeStatus, wsReceiver, wsSender } from './lib/ws-internals.js';
import { textPayload } from './load/payloads.js';

export interface MicroRow {
  name: string;
  unit: 'MB/s' | 'ops/s' | 'msgs/s';
  ours: number;
  ws: number;
  /** ws with its pure-JS fallbacks, where bufferutil would change the answer. */
  wsNoNative?: number;
}

type Job = (iterations: number) => number;

interface Case {
  name: string;
  unit: MicroRow['unit'];
  /** Units of work per iteration: bytes for MB/s, operations otherwise. */
  perIteration: number;
  ours: Job;
  ws: Job;
  wsNoNative?: Job;
}

const SIZES = [16, 128, 1024, 64 * 1024, 1024 * 1024];

/**
 * Run `job` long enough to be timed, return iterations per second of CPU time. CPU time, not
 * wall time: on a shared machine other processes then cost a sample little but cache pressure.
 */
function timeJob(job: Job, budgetMs: number): number {
  let iterations = 1;
  let sink = 0;
  for (;;) {
    const start = process.cpuUsage();
    sink += job(iterations);
    const used = process.cpuUsage(start);
    const elapsedMs = (used.user + used.system) / 1000;
    if (elapsedMs >= budgetMs) {
      if (sink === -1) console.log('');
      return (iterations / elapsedMs) * 1000;
    }
    iterations = elapsedMs < budgetMs / 8 ? iterations * 8 : Math.ceil((iterations * budgetMs * 1.1) / Math.max(elapsedMs, 0.001));
  }
}

/** A payload as it sits in a socket read: after a header, so usually not word-aligned. */
function payloadAt(size: number, fill: (bytes: Buffer) => void): Buffer {
  const offset = size < 126 ? 6 : size <= 0xffff ? 8 : 14;
  const backing = Buffer.alloc(size + offset);
  const view = backing.subarray(offset);
  fill(view);
  return view;
}

function randomFill(bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, Math.min(bytes.length, i + 65536)));
}

const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
/**
 * The receive cases feed the same buffers again and again, and both receivers unmask in place.
 * A zero key keeps the bytes (and so the UTF-8 of text) unchanged between rounds; neither
 * library special-cases it, so the XOR pass is still paid in full.
 */
const ZERO_KEY = new Uint8Array(4);

function maskCases(): Case[] {
  const ws = wsBufferUtil();
  const wsJs = wsBufferUtilWithoutNative();
  const cases: Case[] = [];
  for (const size of SIZES) {
    const data = payloadAt(size, randomFill);
    cases.push({
      name: `unmask in place ${sizeLabel(size)}`,
      unit: 'MB/s',
      perIteration: size,
      ours: (n) => {
        for (let i = 0; i < n; i++) applyMask(data, KEY);
        return data[0]!;
      },
      ws: (n) => {
        for (let i = 0; i < n; i++) ws.unmask(data, KEY);
        return data[0]!;
      },
      wsNoNative: (n) => {
        for (let i = 0; i < n; i++) wsJs.unmask(data, KEY);
        return data[0]!;
      },
    });
    const source = payloadAt(size, randomFill);
    const headerLength = size < 126 ? 6 : size <= 0xffff ? 8 : 14;
    const out = Buffer.alloc(size + headerLength);
    cases.push({
      name: `mask into a copy ${sizeLabel(size)}`,
      unit: 'MB/s',
      perIteration: size,
      ours: (n) => {
        for (let i = 0; i < n; i++) copyMasked(source, out, headerLength, KEY);
        return out[headerLength]!;
      },
      ws: (n) => {
        for (let i = 0; i < n; i++) ws.mask(source, KEY, out, headerLength, size);
        return out[headerLength]!;
      },
      wsNoNative: (n) => {
        for (let i = 0; i < n; i++) wsJs.mask(source, KEY, out, headerLength, size);
        return out[headerLength]!;
      },
    });
  }
  return cases;
}

function utf8Cases(): Case[] {
  const wsValid = wsIsValidUtf8();
  const validator = new Utf8Validator();
  return [16, 1024, 64 * 1024, 1024 * 1024]
    .map((size) => {
      const text = payloadAt(size, (bytes) => textPayload(size).copy(bytes));
      return {
        name: `UTF-8 check ${sizeLabel(size)}`,
        unit: 'MB/s',
        perIteration: size,
        ours: (n) => {
          let ok = 0;
          for (let i = 0; i < n; i++) {
            validator.reset();
            if (validator.write(text) && validator.isComplete()) ok++;
          }
          return ok;
        },
        ws: (n) => {
          let ok = 0;
          for (let i = 0; i < n; i++) if (wsValid(text)) ok++;
          return ok;
        },
      } satisfies Case;
    })
    .concat([
      {
        name: 'UTF-8 check 16 B (one-shot isValidUtf8)',
        unit: 'MB/s',
        perIteration: 16,
        ours: (n) => {
          const text = textPayload(16);
          let ok = 0;
          for (let i = 0; i < n; i++) if (isValidUtf8(text)) ok++;
          return ok;
        },
        ws: (n) => {
          const text = textPayload(16);
          let ok = 0;
          for (let i = 0; i < n; i++) if (wsValid(text)) ok++;
          return ok;
        },
      },
    ]);
}

/** Masked client frames of `size` bytes, cut into socket-sized reads (at most 64 KiB each). */
function clientReads(size: number, binary: boolean): { reads: Buffer[]; messages: number } {
  const payload = binary ? payloadAt(size, randomFill) : textPayload(size);
  const frame = serializeFrame({ opcode: binary ? 2 : 1, payload, maskKey: ZERO_KEY });
  const readSize = 64 * 1024;
  if (frame.length >= readSize) {
    const reads: Buffer[] = [];
    for (let i = 0; i < frame.length; i += readSize) reads.push(Buffer.from(frame.subarray(i, i + readSize)));
    return { reads, messages: 1 };
  }
  const messages = Math.max(1, Math.floor(readSize / frame.length));
  return { reads: [Buffer.concat(Array.from({ length: messages }, () => frame))], messages };
}

function receiveCases(): Case[] {
  const cases: Case[] = [];
  for (const [size, binary] of [
    [16, true],
    [16, false],
    [1024, true],
    [1024, false],
    [64 * 1024, true],
    [1024 * 1024, true],
  ] as const) {
    const { reads, messages } = clientReads(size, binary);
    const ours = new Connection({ role: 'server', maxMessageSize: 1 << 30 });
    const receiver = wsReceiver({ isServer: true, maxPayload: 1 << 30 });
    let wsCount = 0;
    receiver.on('message', () => wsCount++);
    receiver.on('error', (error: Error) => {
      throw error;
    });
    cases.push({
      name: `receive ${binary ? 'binary' : 'text'} ${sizeLabel(size)} frames`,
      unit: 'msgs/s',
      perIteration: messages,
      ours: (n) => {
        let count = 0;
        for (let i = 0; i < n; i++) {
          for (const read of reads) {
            ours.receiveData(read);
            count += ours.takeEvents().length;
          }
        }
        if (count !== n * messages) throw new Error(`ours parsed ${count} messages, expected ${n * messages}`);
        return count;
      },
      ws: (n) => {
        wsCount = 0;
        for (let i = 0; i < n; i++) for (const read of reads) receiver.write(read);
        if (wsCount !== n * messages) throw new Error(`ws parsed ${wsCount} messages, expected ${n * messages}`);
        return wsCount;
      },
    });
  }
  return cases;
}

function sendCases(): Case[] {
  const sender = wsSender();
  const cases: Case[] = [];
  const server = new Connection({ role: 'server' });
  const client = new Connection({ role: 'client' });
  for (const size of [16, 1024, 64 * 1024]) {
    const data = payloadAt(size, randomFill);
    cases.push({
      name: `frame a binary message ${sizeLabel(size)} (server)`,
      unit: 'ops/s',
      perIteration: 1,
      ours: (n) => {
        let bytes = 0;
        for (let i = 0; i < n; i++) {
          server.sendBinary(data);
          bytes += server.takeOutgoing().length;
        }
        return bytes;
      },
      ws: (n) => {
        let bytes = 0;
        for (let i = 0; i < n; i++) bytes += sender.frame(data, { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false }).length;
        return bytes;
      },
    });
    cases.push({
      name: `frame a binary message ${sizeLabel(size)} (client, masked)`,
      unit: 'ops/s',
      perIteration: 1,
      ours: (n) => {
        let bytes = 0;
        for (let i = 0; i < n; i++) {
          client.sendBinary(data);
          bytes += client.takeOutgoing().length;
        }
        return bytes;
      },
      ws: (n) => {
        let bytes = 0;
        for (let i = 0; i < n; i++) bytes += sender.frame(data, { fin: true, opcode: 2, mask: true, readOnly: true, rsv1: false }).length;
        return bytes;
      },
    });
  }
  const text = textPayload(1024).toString();
  cases.push({
    name: 'frame a text message 1 KiB string (server)',
    unit: 'ops/s',
    perIteration: 1,
    ours: (n) => {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        server.sendText(text);
        bytes += server.takeOutgoing().length;
      }
      return bytes;
    },
    ws: (n) => {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        bytes += sender.frame(text as unknown as Buffer, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }).length;
      }
      return bytes;
    },
  });
  return cases;
}

export function runMicro(options: { quick: boolean; filter: string | undefined; log: (line: string) => void }): MicroRow[] {
  const budgetMs = options.quick ? 15 : 40;
  const samples = options.quick ? 3 : 5;
  const status = wsNativeStatus();
  if (!status.bufferutil) throw new Error('ws did not load bufferutil: run npm install (it is a devDependency)');
  const all = [...maskCases(), ...utf8Cases(), ...receiveCases(), ...sendCases()];
  const cases = all.filter((c) => !options.filter || c.name.includes(options.filter));
  const rows: MicroRow[] = [];
  for (const c of cases) {
    const scale = c.unit === 'MB/s' ? c.perIteration / 1e6 : c.perIteration;
    // Warm both up before timing, so neither pays for the JIT inside a sample.
    timeJob(c.ours, budgetMs);
    timeJob(c.ws, budgetMs);
    const ours: number[] = [];
    const ws: number[] = [];
    const wsNoNative: number[] = [];
    for (let s = 0; s < samples; s++) {
      ours.push(timeJob(c.ours, budgetMs) * scale);
      ws.push(timeJob(c.ws, budgetMs) * scale);
      if (c.wsNoNative) wsNoNative.push(timeJob(c.wsNoNative, budgetMs) * scale);
    }
    const row: MicroRow = { name: c.name, unit: c.unit, ours: median(ours), ws: median(ws) };
    if (c.wsNoNative) row.wsNoNative = median(wsNoNative);
    rows.push(row);
    const extra =
      row.wsNoNative === undefined ? '' : `  (ws without bufferutil ${formatCount(row.wsNoNative)}, ours/that ${formatRatio(row.ours / row.wsNoNative)})`;
    options.log(
      `${c.name.padEnd(44)} ${formatCount(row.ours).padStart(7)} vs ${formatCount(row.ws).padStart(7)} ${c.unit.padEnd(6)} ours/ws ${formatRatio(row.ours / row.ws)}${extra}`,
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const filterAt = args.indexOf('--filter');
  const rows = runMicro({ quick: args.includes('--quick'), filter: filterAt >= 0 ? args[filterAt + 1] : undefined, log: (line) => console.log(line) });
  process.send?.({ type: 'micro', rows });
}
