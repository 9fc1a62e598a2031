/**
 * The load generator, a process of its own so it never shares a core's time with the server
 * it measures. The harness forks it with one job as JSON and gets one result back over IPC;
 * run by hand it prints the result:
 *
 *   node dist/bench/load/loadgen.js '{"mode":"echo","port":9001,"connections":100,"inFlight":8,
 *     "size":16,"binary":true,"deflate":false,"warmupMs":500,"durationMs":3000}'
 */
import { runEcho, runEchoCount, runLatency, type EchoCountJob, type EchoJob, type LatencyJob } from './echo.js';
import { runHandshakes, runIdle, type HandshakeJob, type IdleJob } from './connections.js';
import type { ClientJob } from './client-side.js';

export type LoadJob = EchoJob | EchoCountJob | LatencyJob | HandshakeJob | IdleJob | ClientJob;

async function run(job: LoadJob): Promise<unknown> {
  switch (job.mode) {
    case 'echo':
      return runEcho(job);
    case 'echo-count':
      return runEchoCount(job);
    case 'latency':
      return runLatency(job);
    case 'handshakes':
      return runHandshakes(job);
    case 'idle':
      return runIdle(job);
    case 'client':
      // Loaded only here: the raw-socket modes never load a client library.
      return (await import('./client-side.js')).runClientJob(job);
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
run(job).then(
  (result) => {
    if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
    else {
      console.log(JSON.stringify(result));
      process.exit(0);
    }
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (process.send) process.send({ type: 'failed', message }, () => process.exit(1));
    else {
      console.error(message);
      process.exit(1);
    }
  },
);
