/**
 * A frame's announced length is the peer's word, not bytes: the memory a message reserves
 * follows the bytes that arrived (at most a 64 KiB block more than 8 times them), and the message
 * is still gathered byte for byte however its reads are cut.
 */
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { Opcode } from '../../src/protocol/index.js';
import { clientFrame, connection, mulberry32, plain, randomSizes, serverFrame } from './helpers.js';

const ANNOUNCED = 100 * 1024 * 1024 - 1;

/** The header of a binary frame announcing `length` bytes (64-bit length), masked with the RFC key for a server to read. */
function header(role: 'client' | 'server', length: number): Buffer {
  const full = role === 'server' ? clientFrame(Opcode.Binary, Buffer.alloc(0)) : serverFrame(Opcode.Binary, Buffer.alloc(0));
  const out = Buffer.alloc(10 + (role === 'server' ? 4 : 0));
  out[0] = full[0]!;
  out[1] = (role === 'server' ? 0x80 : 0) | 127;
  out.writeBigUInt64BE(BigInt(length), 2);
  if (role === 'server') full.copy(out, 10, 2, 6);
  return out;
}

/** Every Buffer.allocUnsafe size requested while `run` runs. */
function allocations(run: () => void): number[] {
  const original = Buffer.allocUnsafe;
  const sizes: number[] = [];
  const spy = mock.method(Buffer, 'allocUnsafe', (size: number) => {
    sizes.push(size);
    return original(size);
  });
  try {
    run();
  } finally {
    spy.mock.restore();
  }
  return sizes;
}

for (const role of ['server', 'client'] as const) {
  describe(`our ${role}: memory follows the bytes that arrived`, () => {
    test(`${ANNOUNCED} B announced and 1 B sent reserves nothing near the announced size`, () => {
      const conns = Array.from({ length: 150 }, () => connection(role));
      const sizes = allocations(() => {
        for (const conn of conns) conn.receiveData(Buffer.concat([header(role, ANNOUNCED), Buffer.of(0x42 ^ (role === 'server' ? 0x37 : 0))]));
      });
      assert.ok(
        sizes.every((size) => size <= 64 * 1024),
        `allocations: ${sizes.filter((s) => s > 64 * 1024).join(', ')}`,
      );
      for (const conn of conns) assert.deepEqual(conn.takeEvents(), []);
    });

    test('as the message arrives, what it reserves stays within 8 times what came, plus a block', () => {
      const size = 3 * 1024 * 1024;
      const payload = Buffer.alloc(size);
      const random = mulberry32(7);
      for (let i = 0; i < size; i++) payload[i] = Math.floor(random() * 256);
      const frame = role === 'server' ? clientFrame(Opcode.Binary, payload) : serverFrame(Opcode.Binary, payload);
      const conn = connection(role);
      let arrived = 0;
      let reserved = 0;
      for (let offset = 0; offset < frame.length; offset += 16 * 1024) {
        const read = Buffer.from(frame.subarray(offset, offset + 16 * 1024));
        arrived += read.length;
        reserved += allocations(() => conn.receiveData(read))
          .filter((s) => s > 64 * 1024)
          .reduce((a, b) => a + b, 0);
        assert.ok(reserved <= 8 * arrived + 64 * 1024, `${reserved} B reserved after ${arrived} B arrived`);
      }
      const events = conn.takeEvents();
      assert.equal(events.length, 1);
      assert.ok(events[0]!.type === 'message' && events[0]!.data.equals(payload), 'the message, byte for byte');
    });

    for (const size of [65535, 65536, 65537, 200_000, 600_000, 1024 * 1024 + 3]) {
      test(`a ${size} B message cut into random reads is gathered byte for byte (3 seeds)`, () => {
        const payload = Buffer.alloc(size);
        for (let i = 0; i < size; i++) payload[i] = (i * 131 + (i >> 9)) & 0xff;
        const frame = role === 'server' ? clientFrame(Opcode.Binary, payload) : serverFrame(Opcode.Binary, payload);
        for (const seed of [1, 2, 3]) {
          const conn = connection(role);
          let offset = 0;
          for (const piece of randomSizes(seed, 90_000)) {
            if (offset >= frame.length) break;
            conn.receiveData(Buffer.from(frame.subarray(offset, offset + piece)));
            offset += piece;
          }
          const events = plain(conn.takeEvents());
          assert.equal(events.length, 1, `seed ${seed}`);
          assert.ok(events[0]!.type === 'message' && Buffer.from(events[0]!.data, 'hex').equals(payload), `seed ${seed}: the message differs`);
        }
      });
    }
  });
}
