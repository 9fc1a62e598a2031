/**
 * The measuring window of a load run: after a warm-up, the load generator tells the harness
 * when it starts and stops counting, so the harness reads the server's CPU time over exactly
 * that span. The generator also measures its own CPU time, to show it was not the bottleneck.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WindowResult {
  seconds: number;
  /** CPU time the load generator used, as a share of one core (1 = one core busy). */
  clientCpu: number;
}

export async function measureWindow(warmupMs: number, durationMs: number, onStart: () => void, onEnd: () => void): Promise<WindowResult> {
  await sleep(warmupMs);
  process.send?.({ type: 'window-start' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  onStart();
  await sleep(durationMs);
  onEnd();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'window-end' });
  return { seconds, clientCpu: (cpu.user + cpu.system) / 1e6 / seconds };
}
