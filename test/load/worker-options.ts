/** The options of one worker's run for tests that drive a WorkerRun in their own thread. */
import type { LoadOptions } from '../../src/load/options.js';

/** `connections` to `url`, open loop at 1/s each for 1.5 s, echoes matched; `overrides` change any of it. */
export function workerOptions(url: string, connections: number, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    url,
    connections,
    rampMs: 0,
    connectRate: 0,
    durationMs: 1500,
    ratePerConnection: 1,
    rate: { perSecond: 1, scope: 'connection' },
    inFlight: 1,
    match: { kind: 'echo' },
    matchSpec: 'echo',
    replyTimeoutMs: 5000,
    message: { kind: 'generated', size: 16, binary: false },
    workers: 1,
    localAddresses: [],
    client: { protocols: [], headers: [], rejectUnauthorized: true, compression: false, handshakeTimeoutMs: 10_000 },
    vars: {},
    ...overrides,
  };
}
