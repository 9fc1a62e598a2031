/**
 * The gRPC calls a scenario has open, by name (`as:`): each queues its responses and its final
 * status as they come, so `grpc: { expect }` takes the next response and `expectStatus` waits
 * for the end. When the scenario ends every call still running is cancelled and its channel
 * closed. Only types come from the gRPC room here: @grpc/grpc-js is loaded by the step that
 * opens the first call (./grpc-open.ts), not by `wscope run` on a WebSocket-only file.
 */
import type { GrpcCall, GrpcCallResult } from '../../grpc/index.js';
import type { StepContext } from './step-kind.js';

export type Next = { response: unknown } | { ended: GrpcCallResult } | { timedOut: true };

export class GrpcScenarioCall {
  private readonly responses: unknown[] = [];
  private status: GrpcCallResult | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly name: string,
    readonly call: GrpcCall,
    private readonly closeChannel: () => void,
  ) {
    call.on('response', (json) => {
      this.responses.push(json);
      this.wake?.();
    });
    call.on('end', (result) => {
      this.status = result;
      this.wake?.();
    });
  }

  get ended(): boolean {
    return this.status !== undefined;
  }

  /** Responses that came and no step has read. */
  get unread(): number {
    return this.responses.length;
  }

  /** The next response not yet read; else the status, once the call ended with no more. */
  next(timeoutMs: number, signal: AbortSignal): Promise<Next> {
    return this.waitUntil(
      () => {
        if (this.responses.length > 0) return { response: this.responses.shift() };
        return this.status ? { ended: this.status } : undefined;
      },
      timeoutMs,
      signal,
    );
  }

  /** The status the call ended with (responses not read stay unread). */
  end(timeoutMs: number, signal: AbortSignal): Promise<Next> {
    return this.waitUntil(() => (this.status ? { ended: this.status } : undefined), timeoutMs, signal);
  }

  close(): void {
    if (!this.status) this.call.cancel();
    this.closeChannel();
  }

  private async waitUntil(found: () => Next | undefined, timeoutMs: number, signal: AbortSignal): Promise<Next> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = found();
      if (result) return result;
      const left = deadline - Date.now();
      if (left <= 0) return { timedOut: true };
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, left);
        const onAbort = () => {
          done();
          reject(signal.reason instanceof Error ? signal.reason : new Error('the scenario stopped'));
        };
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve();
        }
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = done;
      });
      this.wake = undefined;
    }
  }
}

/** One registry per scenario run, keyed by its connections table (the one object a step sees that is the run's own). */
const registries = new WeakMap<object, Map<string, GrpcScenarioCall>>();

export function callsOf(context: StepContext): Map<string, GrpcScenarioCall> {
  let calls = registries.get(context.connections);
  if (!calls) {
    const created = new Map<string, GrpcScenarioCall>();
    calls = created;
    registries.set(context.connections, created);
    context.background(
      'grpc calls',
      (signal) =>
        new Promise<void>((resolve) => {
          const closeAll = () => {
            for (const call of created.values()) call.close();
            resolve();
          };
          if (signal.aborted) closeAll();
          else signal.addEventListener('abort', closeAll, { once: true });
        }),
    );
  }
  return calls;
}

/** The call `name` names, else the scenario's only one. */
export function callFor(context: StepContext, name: string | undefined): GrpcScenarioCall {
  const calls = callsOf(context);
  const names = [...calls.keys()];
  if (name !== undefined) {
    const call = calls.get(name);
    if (!call) context.fail(`no gRPC call is named "${name}" (${names.length > 0 ? `open: ${names.join(', ')}` : 'none was made: grpc: { call: ... } first'})`);
    return call;
  }
  if (calls.size === 1) return calls.values().next().value as GrpcScenarioCall;
  context.fail(
    names.length === 0 ? 'no gRPC call was made: grpc: { call: ... } first' : `several gRPC calls are open (${names.join(', ')}): say which with on: NAME`,
  );
}
