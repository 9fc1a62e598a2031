/**
 * `--prometheus PORT`: the run's counters on http://127.0.0.1:PORT/metrics in the Prometheus
 * text format (prom-client), updated once a second from the same per-second samples the live
 * view shows, so a Prometheus scraping several generators aggregates and graphs them.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SecondSample } from '../result.js';
import type { RunningTotals } from '../run.js';

export interface PrometheusExporter {
  /** The port it listens on (the one asked for, or the system's choice for 0). */
  port: number;
  /** Count one second of the run. */
  update(sample: SecondSample, totals: RunningTotals): void;
  close(): Promise<void>;
}

/** Listen on `host:port` (loopback unless asked otherwise) and serve GET /metrics. */
export async function startPrometheus(port: number, host = '127.0.0.1'): Promise<PrometheusExporter> {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const sent = counter('wscope_load_messages_sent_total', 'Messages sent.');
  const received = counter('wscope_load_messages_received_total', 'Messages received.');
  const matched = counter('wscope_load_messages_matched_total', 'Replies paired with their request.');
  const timedOut = counter('wscope_load_messages_timed_out_total', 'Requests without a reply within --reply-timeout.');
  const unsolicited = counter('wscope_load_messages_unsolicited_total', 'Messages that answered no waiting request (pushes, late replies).');
  const opened = counter('wscope_load_connections_opened_total', 'Connections that reached OPEN.');
  const failed = counter('wscope_load_connections_failed_total', 'Connection attempts that never opened.');
  const closed = counter('wscope_load_connections_closed_total', 'Connections closed, by close code.', ['code']);
  const errors = counter('wscope_load_errors_total', 'Failed connections, lost connections and timed-out requests.');
  const open = gauge('wscope_load_connections_open', 'Connections open at the end of the last second.');
  const latency = gauge('wscope_load_reply_latency_seconds', 'Reply latency of the replies matched in the last second.', ['quantile']);

  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    update(sample) {
      sent.inc(sample.sent);
      received.inc(sample.received);
      matched.inc(sample.matched);
      timedOut.inc(sample.timedOut);
      unsolicited.inc(sample.unsolicited);
      opened.inc(sample.connectionsOpened);
      failed.inc(sample.connectionsFailed);
      errors.inc(sample.errors);
      for (const [code, n] of Object.entries(sample.closeCodes)) closed.inc({ code }, n);
      open.set(sample.connectionsOpen);
      // A second with no reply keeps the last figures: a gap is not a latency of zero.
      if (sample.latencyP50 !== null) latency.set({ quantile: '0.5' }, sample.latencyP50 / 1e6);
      if (sample.latencyP99 !== null) latency.set({ quantile: '0.99' }, sample.latencyP99 / 1e6);
      if (sample.latencyMax !== null) latency.set({ quantile: '1' }, sample.latencyMax / 1e6);
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
