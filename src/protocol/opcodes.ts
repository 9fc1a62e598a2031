/** RFC 6455 §5.2 opcodes. 0x3–0x7 and 0xB–0xF are reserved. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

const NAMES: Record<number, string> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

/** RFC 6455 §5.5: "Control frames are identified by opcodes where the most significant bit of the opcode is 1." */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

export function isKnownOpcode(opcode: number): opcode is Opcode {
  return NAMES[opcode] !== undefined;
}

/** A name for any 4-bit opcode, reserved ones included, for frame views. */
export function opcodeName(opcode: number): string {
  return NAMES[opcode] ?? `reserved-0x${opcode.toString(16)}`;
}
