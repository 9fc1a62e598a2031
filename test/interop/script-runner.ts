import type { ClientEvent, ClientScript, Payload } from './script.js';

/** The WHATWG WebSocket surface the runner drives: browsers' WebSocket, and ws's client class. */
export interface ScriptSocket {
  binaryType: string;
  readonly protocol: string;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface ScriptEnv {
  open(url: string, protocols: string[]): ScriptSocket;
  crc32(bytes: Uint8Array): number;
  patternBytes(size: number, seed: number): Uint8Array;
  /** Beyond the WHATWG API (browsers can't): one message in several frames. */
  sendFragments?(socket: ScriptSocket, pieces: Uint8Array[], binary: boolean): void;
  /** Beyond the WHATWG API: ping, resolved with the pong's payload. */
  ping?(socket: ScriptSocket, data: string): Promise<string>;
}

/**
 * Run a ClientScript and report what the client saw. It must stay self-contained (no imports
 * used at run time, no module state): the Chromium peer evaluates its source in the page, with
 * an env built there.
 */
export async function runClientScript(env: ScriptEnv, url: string, script: ClientScript, timeoutMs: number): Promise<ClientEvent[]> {
  const events: ClientEvent[] = [];
  const inbox: unknown[] = [];
  const encoder = new TextEncoder();
  let opened = false;
  let closed: { code: number; reason: string } | undefined;
  let timedOut = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const until = async (ready: () => boolean, what: string) => {
    while (!ready()) {
      if (timedOut) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const bytesOf = (payload: Payload) => ('text' in payload ? encoder.encode(payload.text) : env.patternBytes(payload.bytes.size, payload.bytes.seed));
  const timer = setTimeout(() => {
    timedOut = true;
    notify();
  }, timeoutMs);
  let socket: ScriptSocket | undefined;
  try {
    socket = env.open(url, script.protocols ?? []);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
      notify();
    };
    socket.onmessage = (event) => {
      inbox.push(event.data);
      notify();
    };
    socket.onclose = (event) => {
      closed = { code: event.code, reason: event.reason };
      notify();
    };
    socket.onerror = () => undefined;
    await until(() => opened || closed !== undefined, 'the connection to open');
    if (!opened) throw new Error(`the connection did not open (close code ${closed?.code})`);
    events.push({ event: 'open', protocol: socket.protocol });
    for (const step of script.steps) {
      if (step.op === 'send') {
        socket.send('text' in step.payload ? step.payload.text : bytesOf(step.payload));
      } else if (step.op === 'sendFragments') {
        if (!env.sendFragments) throw new Error('this client cannot send fragments');
        env.sendFragments(socket, step.pieces.map(bytesOf), !step.pieces.every((piece) => 'text' in piece));
      } else if (step.op === 'recv') {
        await until(() => inbox.length > 0 || closed !== undefined, 'a message');
        if (inbox.length === 0) throw new Error(`closed (${closed?.code}) before a message came`);
        const data = inbox.shift();
        if (typeof data === 'string') {
          const bytes = encoder.encode(data);
          events.push({ event: 'message', kind: 'text', text: data, length: bytes.length, crc32: env.crc32(bytes) });
        } else {
          const bytes = new Uint8Array(data as ArrayBuffer);
          events.push({ event: 'message', kind: 'binary', length: bytes.length, crc32: env.crc32(bytes) });
        }
      } else if (step.op === 'ping') {
        if (!env.ping) throw new Error('this client cannot send pings');
        let pong: string | undefined;
        void env.ping(socket, step.data).then((data) => {
          pong = data;
          notify();
        });
        await until(() => pong !== undefined || closed !== undefined, 'a pong');
        if (pong === undefined) throw new Error('closed before the pong came');
        events.push({ event: 'pong', data: pong });
      } else {
        if (step.op === 'close') {
          if (step.code === undefined) socket.close();
          else socket.close(step.code, step.reason ?? '');
        }
        await until(() => closed !== undefined, 'the connection to close');
        events.push({ event: 'close', code: closed!.code, reason: closed!.reason });
      }
    }
  } catch (error) {
    events.push({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
    if (socket && closed === undefined) {
      try {
        socket.close();
      } catch {
        // Still connecting, or already closing: nothing left to do.
      }
    }
  }
  return events;
}
