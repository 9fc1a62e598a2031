/**
 * The proto3 JSON codec on the test schema loaded three ways (.proto text, protoc's protoset, and
 * the descriptors written back from the .proto), since protobufjs names the well-known types'
 * fields differently in each; and the stdin splitter cut at every point.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JsonObjectSplitter } from '../../src/cli/grpc/json-values.js';
import { descriptorsFromFiles, type GrpcDescriptors, GrpcJsonCodec, GrpcJsonError, googleRpcRoot, loadProtoFiles, loadProtoset } from '../../src/grpc/index.js';
import { tempDir } from '../cli/helpers.js';
import { compileProtoset, ECHO_PROTO, PROTO_DIR } from './protos.js';

const dir = tempDir();
after(() => dir.remove());
const fromProto = loadProtoFiles([ECHO_PROTO], { importPaths: [PROTO_DIR] });
const SCHEMAS: Array<[string, () => GrpcDescriptors]> = [
  ['.proto', () => fromProto],
  ['protoc protoset', () => loadProtoset(compileProtoset(dir.path))],
  ['descriptors written from the .proto', () => descriptorsFromFiles(fromProto.files, 'test')],
];

for (const [name, load] of SCHEMAS) {
  describe(`proto3 JSON on a schema from ${name}`, () => {
    const schema = load();
    const codec = new GrpcJsonCodec([schema.root, googleRpcRoot()]);
    const request = schema.root.lookupType('wscope.test.v1.EchoRequest');
    const roundTrip = (json: unknown) => codec.decodeToJson(request, codec.encodeJson(request, json));

    it('well-known types in their JSON forms, both ways', () => {
      const json = {
        at: '1969-12-31T23:59:59.000001Z',
        wait: '0.000000001s',
        extra: { n: 1.5, s: 'x', b: false, z: null, l: [[], {}], o: { p: 'q' } },
      };
      assert.deepEqual(roundTrip(json), json);
      assert.deepEqual(roundTrip({ at: '2024-01-02T05:04:05+02:00' }), { at: '2024-01-02T03:04:05Z' });
      assert.deepEqual(roundTrip({ wait: '-3s' }), { wait: '-3s' });
    });

    it('64-bit integers as strings, numbers accepted; enums by name or number; bytes base64 (url-safe too); NaN', () => {
      assert.deepEqual(roundTrip({ bigNumber: '-9223372036854775808', mood: 2, blob: '-_8=', ratio: 'NaN' }), {
        bigNumber: '-9223372036854775808',
        mood: 'GRUMPY',
        blob: '+/8=',
        ratio: 'NaN',
      });
      assert.deepEqual(roundTrip({ big_number: 42, number: '7' }), { bigNumber: '42', number: 7 });
      assert.deepEqual(roundTrip({ text: '', flag: false, ratio: 0 }), {}, 'defaults are left out');
      assert.deepEqual(codec.decodeToJson(request, codec.encodeJson(request, { text: '' }), { emitDefaults: true }), {
        text: '',
        bigNumber: '0',
        blob: '',
        mood: 'MOOD_UNSPECIFIED',
        tags: [],
        counts: {},
        ratio: 0,
        flag: false,
      });
    });

    it('what does not fit is refused with the path to it', () => {
      const refused = (json: unknown, message: string) =>
        assert.throws(
          () => codec.encodeJson(request, json),
          (error: unknown) => error instanceof GrpcJsonError && error.message === message,
        );
      refused({ bigNumber: '9223372036854775808' }, 'bigNumber: 9223372036854775808 is out of range for int64');
      refused({ inner: { values: [1, 2.5] } }, 'inner.values[1]: expected an integer (int32), got 2.5');
      refused({ counts: { a: 'x' } }, 'counts[a]: expected an integer (int32), got "x"');
      refused({ at: 5 }, 'at: expected an RFC 3339 time like "2024-01-02T03:04:05.678Z" (Timestamp), got 5');
      refused({ wait: '5m' }, 'wait: expected seconds like "1.5s" (Duration), got "5m"');
      refused({ flag: 'yes' }, 'flag: expected true or false, got "yes"');
      refused({ blob: 'not base64!' }, 'blob: expected base64 bytes, got "not base64!"');
      refused([1], 'expected an object (wscope.test.v1.EchoRequest), got an array');
    });

    it('Any: packed and unpacked by its @type, well-known contents under "value"', () => {
      const rpc = googleRpcRoot();
      const status = rpc.lookupType('google.rpc.Status');
      const json = {
        code: 3,
        message: 'bad',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'a', description: 'b' }] },
          { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '1.500s' },
          { '@type': 'type.googleapis.com/wscope.test.v1.Inner', label: 'x' },
        ],
      };
      assert.deepEqual(codec.decodeToJson(status, codec.encodeJson(status, json)), json);
    });
  });
}

describe('stdin JSON objects', () => {
  const text = '{"a":"}{\\"","b":[1,{"c":2}]}\n {"d":"\\\\"}{"e":{}}\n';
  const expected = [{ a: '}{"', b: [1, { c: 2 }] }, { d: '\\' }, { e: {} }];

  it('are the same objects cut anywhere, byte by byte or at any one point', () => {
    const byByte = new JsonObjectSplitter();
    assert.deepEqual(
      [...text].flatMap((char) => byByte.push(char)),
      expected,
    );
    byByte.end();
    for (let cut = 0; cut <= text.length; cut += 1) {
      const splitter = new JsonObjectSplitter();
      assert.deepEqual([...splitter.push(text.slice(0, cut)), ...splitter.push(text.slice(cut))], expected, `cut at ${cut}`);
      splitter.end();
    }
  });

  it('come out as soon as each closes', () => {
    const splitter = new JsonObjectSplitter();
    assert.deepEqual(splitter.push('{"a":1}{"b"'), [{ a: 1 }]);
    assert.deepEqual(splitter.push(':2}'), [{ b: 2 }]);
  });

  it('an input that is not objects, or ends inside one, is refused with its message number', () => {
    assert.throws(() => new JsonObjectSplitter().push('{"a":1} [1]'), /^JsonValueError: message 2: expected a JSON object, got "\[1\]"$/);
    const open = new JsonObjectSplitter();
    open.push('{"a":1}{"b":');
    assert.throws(() => open.end(), /message 2: the input ended inside a JSON object/);
  });
});
