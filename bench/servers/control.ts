/**
 * What every benchmark server shares: its command line, its ready line, and the stats it
 * reports to the harness over the IPC channel when the harness started it (CPU time, memory,
 * open connections). Started by hand, a server just prints its ready line and serves until ^C.
 */

export interface ServerArgs {
  port: number;
  host: string;
  deflate: boolean;
}

export interface ServerStats {
  type: 'stats';
  id: number;
  /** process.cpuUsage(), microseconds. */
  cpuUser: number;
  cpuSystem: number;
  /** process.hrtime in milliseconds, to turn CPU time into a share of one core. */
  wallMs: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  connections: number;
}

const USAGE = 'usage: node dist/bench/servers/<name>.js <port> [--deflate] [--host 127.0.0.1]';

export function parseServerArgs(argv: readonly string[]): ServerArgs {
  const hostAt = argv.indexOf('--host');
  const positional = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--host');
  const port = Number(positional[0] ?? 9001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(USAGE);
    process.exit(2);
  }
  return { port, host: hostAt >= 0 ? (argv[hostAt + 1] ?? '127.0.0.1') : '127.0.0.1', deflate: argv.includes('--deflate') };
}

/** Print the ready line, and answer the harness's `stats` requests (with a full GC first when asked and allowed). */
export function serveControl(name: string, port: number, deflate: boolean, connections: () => number): void {
  console.log(`ready ${name} echo server on ws://127.0.0.1:${port}/ (pid ${process.pid}${deflate ? ', permessage-deflate' : ''})`);
  const send = process.send?.bind(process);
  if (!send) {
    process.on('SIGINT', () => {
      const cpu = process.cpuUsage();
      console.log(`${name}: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU over ${process.uptime().toFixed(1)} s`);
      process.exit(0);
    });
    return;
  }
  process.on('message', (message: { type?: string; id?: number; gc?: boolean }) => {
    if (message.type !== 'stats') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.gc && gc) {
      gc();
      gc();
    }
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats: ServerStats = {
      type: 'stats',
      id: message.id ?? 0,
      cpuUser: cpu.user,
      cpuSystem: cpu.system,
      wallMs: Number(process.hrtime.bigint()) / 1e6,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      connections: connections(),
    };
    send(stats);
  });
  send({ type: 'ready', port });
  // The harness went away: so does the server, never left running.
  process.on('disconnect', () => process.exit(0));
}
