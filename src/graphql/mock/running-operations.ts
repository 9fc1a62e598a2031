/**
 * The operations running on one connection, by id, for both protocols' sessions: start one
 * (parse, validate, execute or subscribe), hand its results to the session as they come, stop
 * one or all. How each outcome goes on the wire is the session's business.
 */
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { SessionEvent } from './mock-events.js';
import { formatResult, type OperationRequest, runOperation } from './run-operation.js';

export interface OperationSink {
  /** Refused before running. */
  invalid(stage: 'syntax' | 'validation', errors: GraphQLFormattedError[]): void;
  next(result: Record<string, unknown>): void;
  /** A subscription's stream threw, or execution failed inside the server. */
  failed(message: string): void;
  /** Every result was sent (not called when the client stopped it). */
  complete(): void;
}

export class RunningOperations {
  private readonly running = new Map<string, () => void>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly report: (event: SessionEvent) => void,
  ) {}

  has(id: string): boolean {
    return this.running.has(id);
  }

  /** Run the operation to its end; resolves how it ended. */
  async start(id: string, request: OperationRequest, sink: OperationSink): Promise<'completed' | 'stopped' | 'failed' | 'invalid'> {
    let stopped = false;
    let stopStream: (() => void) | undefined;
    const stop = () => {
      stopped = true;
      stopStream?.();
    };
    this.running.set(id, stop);
    let results = 0;
    const finish = (how: 'completed' | 'stopped' | 'failed', error?: string) => {
      this.report({ type: 'finished', id, results, how, ...(error !== undefined && { error }) });
      return how;
    };
    try {
      const outcome = await runOperation(this.schema, request);
      if (outcome.kind === 'invalid') {
        this.report({ type: 'rejected', id, stage: outcome.stage, errors: outcome.errors });
        if (!stopped) sink.invalid(outcome.stage, outcome.errors);
        return 'invalid';
      }
      this.report({ type: 'operation', id, operation: outcome.kind === 'stream' ? 'subscription' : outcome.operation, name: outcome.name } as SessionEvent);
      if (outcome.kind === 'result') {
        if (stopped) return finish('stopped');
        results = 1;
        sink.next(formatResult(outcome.result));
        sink.complete();
        return finish('completed');
      }
      const stream = outcome.results;
      stopStream = () => void stream.return();
      if (stopped) {
        stopStream();
        return finish('stopped');
      }
      for await (const result of stream) {
        if (stopped) break;
        results += 1;
        sink.next(formatResult(result));
      }
      if (stopped) return finish('stopped');
      sink.complete();
      return finish('completed');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!stopped) sink.failed(message);
      return finish(stopped ? 'stopped' : 'failed', message);
    } finally {
      if (this.running.get(id) === stop) this.running.delete(id);
    }
  }

  /** Stop one; false when no operation has that id. */
  stop(id: string): boolean {
    const stop = this.running.get(id);
    if (!stop) return false;
    this.running.delete(id);
    stop();
    return true;
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
  }
}
