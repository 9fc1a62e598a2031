/**
 * A frame as a fault step writes it (`frame:`, `sendFragmented`'s `between:`), turned into the
 * pure builder's WireFrame, and how frames go out: through the engine's raw mode
 * (`WebSocket.sendFrame`, which keeps the engine's view of the connection, e.g. that a Close
 * went out), or, for a header whose length lies, as bytes (`sendRaw`), which the engine's own
 * writer never produces.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { buildFrame, buildFrameHeader, parseHex, type LengthForm, type WireFrame, WireFrameError } from '../../../faults/index.js';
import type { ScenarioConnection } from '../../connection.js';
import { type JsonSchema, StepArgsError, type StepContext } from '../step-kind.js';

export const OPCODE_NAMES: Record<string, number> = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

export interface FrameArgs {
  opcode: number | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** Hex bytes. */
  payload?: string;
  /** The payload as UTF-8 text (instead of `payload`). */
  text?: string;
  /** true (default: a client masks, RFC 6455 §5.3) with a random key, false: unmasked, or a 4-byte key in hex. */
  mask?: boolean | string;
  /** What the header claims; a string for lengths past 2^53 ("18446744073709551615", "0xffffffffffffffff"). */
  declaredLength?: number | string;
  lengthForm?: LengthForm;
}

export const opcodeSchema: JsonSchema = {
  description: `0-15 (reserved ones too), or ${Object.keys(OPCODE_NAMES).join(', ')}`,
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 15 },
    { type: 'string', enum: Object.keys(OPCODE_NAMES) },
  ],
};

export const maskSchema: JsonSchema = {
  description: 'mask the payload: true (the default: clients must, RFC 6455 §5.3) with a random key, false, or a key in hex ("37 fa 21 3d")',
  type: ['boolean', 'string'],
};

export const frameSchema: JsonSchema = {
  type: 'object',
  description: 'a frame, however invalid: opcode, fin, rsv1-3, payload (hex) or text, mask, declaredLength, lengthForm',
  required: ['opcode'],
  additionalProperties: false,
  properties: {
    opcode: opcodeSchema,
    fin: { type: 'boolean', description: 'the last frame of its message (default true)' },
    rsv1: { type: 'boolean' },
    rsv2: { type: 'boolean' },
    rsv3: { type: 'boolean' },
    payload: { type: 'string', description: 'the payload in hex: "48 69"' },
    text: { type: 'string', description: 'the payload as UTF-8 text' },
    mask: maskSchema,
    declaredLength: {
      description: "the length the header claims, when it should not be the payload's (up to 2^64-1; a string past 2^53)",
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$' },
      ],
    },
    lengthForm: { enum: [7, 16, 64], description: 'the length field: 7 bits, 16 bits (126) or 64 bits (127), minimal or not' },
  },
  not: { required: ['payload', 'text'] },
};

export function opcodeOf(value: number | string): number {
  return typeof value === 'number' ? value : (OPCODE_NAMES[value] ?? Number.NaN);
}

export function maskKeyOf(mask: boolean | string | undefined): Uint8Array | undefined {
  if (mask === false) return undefined;
  if (mask === undefined || mask === true) return randomBytes(4);
  const key = parseHex(mask);
  if (key.length !== 4) throw new WireFrameError(`a mask key is 4 bytes, not ${key.length} ("${mask}")`);
  return key;
}

/** The frame args describe: checked (a WireFrameError says why it cannot be built). */
export function wireFrameOf(args: FrameArgs): WireFrame {
  const payload = args.text !== undefined ? Buffer.from(args.text, 'utf8') : args.payload !== undefined ? parseHex(args.payload) : Buffer.alloc(0);
  const frame: WireFrame = {
    opcode: opcodeOf(args.opcode),
    fin: args.fin ?? true,
    rsv1: args.rsv1 ?? false,
    rsv2: args.rsv2 ?? false,
    rsv3: args.rsv3 ?? false,
    payload,
    ...(args.declaredLength !== undefined && { declaredLength: BigInt(args.declaredLength) }),
    ...(args.lengthForm !== undefined && { lengthForm: args.lengthForm }),
  };
  const maskKey = maskKeyOf(args.mask);
  if (maskKey) frame.maskKey = maskKey;
  buildFrameHeader(frame);
  return frame;
}

/** At load time: a frame that cannot be built is an error at its place (unless it is still a template). */
export function checkFrameArgs(args: FrameArgs, path: Array<string | number> = []): void {
  if (JSON.stringify(args).includes('{{')) return;
  try {
    wireFrameOf(args);
  } catch (error) {
    throw new StepArgsError((error as Error).message, path);
  }
}

/** A frame's arguments rendered and built; a frame that cannot be built fails the step with why. */
export function renderedFrame(args: FrameArgs, container: object, key: string | number, context: StepContext): WireFrame {
  const rendered = context.render(args, container, key);
  try {
    return wireFrameOf(rendered);
  } catch (error) {
    return context.fail(`this frame cannot be built: ${(error as Error).message}`);
  }
}

/** The connection of the step, which must not have closed already: nothing can be sent then. */
export function openConnection(context: StepContext): ScenarioConnection {
  const connection = context.connection();
  const closed = connection.closeInfo;
  if (closed) context.fail(`the connection ${connection.name} closed already (${closed.code}): nothing can be sent`);
  return connection;
}

/** Can the engine's raw mode write this frame? Only a header that declares its real length. */
function engineCanWrite(frame: WireFrame): boolean {
  return frame.declaredLength === undefined || BigInt(frame.declaredLength) === BigInt(frame.payload?.length ?? 0);
}

/** Write one frame; resolves once it is handed to the kernel, with the write error if there was one. */
export function writeFrame(connection: ScenarioConnection, frame: WireFrame): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const done = (error?: Error | null) => resolve(error ?? undefined);
    try {
      if (!engineCanWrite(frame)) {
        connection.socket.sendRaw(buildFrame(frame), done);
        return;
      }
      connection.socket.sendFrame(
        {
          opcode: frame.opcode,
          fin: frame.fin ?? true,
          rsv1: frame.rsv1 ?? false,
          rsv2: frame.rsv2 ?? false,
          rsv3: frame.rsv3 ?? false,
          payload: frame.payload ?? new Uint8Array(0),
          ...(frame.maskKey && { maskKey: frame.maskKey }),
          ...(frame.lengthForm !== undefined && { lengthEncoding: frame.lengthForm }),
        },
        done,
      );
    } catch (error) {
      done(error as Error);
    }
  });
}

/** Write bytes as they are. */
export function writeBytes(connection: ScenarioConnection, bytes: Uint8Array): Promise<Error | undefined> {
  return new Promise((resolve) => {
    try {
      connection.socket.sendRaw(bytes, (error) => resolve(error ?? undefined));
    } catch (error) {
      resolve(error as Error);
    }
  });
}

/**
 * Write frames in order. A peer that fails the connection at the first bad frame may close
 * before the rest are written: that is its answer, noted, not a failure of this step.
 */
export async function writeFrames(connection: ScenarioConnection, frames: readonly WireFrame[], context: StepContext): Promise<void> {
  for (const [index, frame] of frames.entries()) {
    const error = connection.closeInfo ? new Error('the connection closed') : await writeFrame(connection, frame);
    if (error) {
      context.note(`${frames.length - index} of ${frames.length} frames not written: ${error.message}`);
      return;
    }
  }
}
