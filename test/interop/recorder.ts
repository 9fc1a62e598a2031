import type { ObservedFrame, WebSocket } from '../../src/index.js';
import { Opcode } from '../../src/index.js';

export interface ReceivedMessage {
  data: Buffer;
  binary: boolean;
  /** How many data frames carried it. */
  frames: number;
}

export interface Closed {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Everything one of our sockets saw, with a way to wait until enough of it has come. */
export class SocketLog {
  readonly messages: ReceivedMessage[] = [];
  readonly pings: Buffer[] = [];
  readonly pongs: Array<{ data: Buffer; rtt: number | undefined }> = [];
  readonly rtts: number[] = [];
  /** The Close frame the peer sent, as it came off the wire (1005: empty). */
  peerClose: { code: number; reason: string } | undefined;
  closed: Closed | undefined;
  private dataFrames = 0;
  private readonly checks = new Set<() => void>();

  constructor(readonly socket: WebSocket) {
    socket.on('frame', (frame: ObservedFrame) => this.frame(frame));
    socket.on('message', (data: Buffer, binary: boolean) => {
      this.messages.push({ data, binary, frames: this.dataFrames });
      this.dataFrames = 0;
      this.changed();
    });
    socket.on('ping', (data: Buffer) => {
      this.pings.push(data);
      this.changed();
    });
    socket.on('pong', (data: Buffer, rtt: number | undefined) => {
      this.pongs.push({ data, rtt });
      this.changed();
    });
    socket.on('rtt', (ms: number) => this.rtts.push(ms));
    socket.on('error', () => undefined); // the close event carries the outcome, which is what we check
    socket.on('close', (code: number, reason: string, wasClean: boolean) => {
      this.closed = { code, reason, wasClean };
      this.changed();
    });
  }

  /** Resolves once `ready()` holds; rejects after `timeoutMs`, or when the socket closes first. */
  until(what: string, ready: () => boolean, timeoutMs = 8000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) finish();
        else if (this.closed) finish(new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.checks.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.checks.add(check);
    });
  }

  async nextMessage(timeoutMs?: number): Promise<ReceivedMessage> {
    const count = this.messages.length;
    await this.until('a message', () => this.messages.length > count, timeoutMs);
    return this.messages[count]!;
  }

  async whenClosed(timeoutMs = 8000): Promise<Closed> {
    await this.until('the close', () => this.closed !== undefined, timeoutMs);
    return this.closed!;
  }

  private frame(frame: ObservedFrame): void {
    if (frame.direction !== 'in') return;
    if (frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary || frame.opcode === Opcode.Continuation) this.dataFrames++;
    if (frame.opcode === Opcode.Close) {
      const payload = frame.payload;
      this.peerClose = payload.length >= 2 ? { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString() } : { code: 1005, reason: '' };
      this.changed();
    }
  }

  private changed(): void {
    for (const check of [...this.checks]) check();
  }
}
