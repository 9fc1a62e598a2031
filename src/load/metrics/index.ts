/** Metrics of a load run for systems beyond one machine: Prometheus's /metrics endpoint. */
export { startPrometheus, type PrometheusExporter } from './prometheus.js';
