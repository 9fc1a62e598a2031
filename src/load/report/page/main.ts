/**
 * The report page's script: reads the plot data embedded in the page and draws the four plots
 * with uPlot into their figures (which already hold the caption and the data table).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReportData } from './data.js';

const COLORS = { p50: '#1f77b4', p99: '#d62728', max: '#9467bd', sent: '#2ca02c', received: '#ff7f0e', open: '#1f77b4', closed: '#8c564b', failed: '#d62728' };

const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as ReportData;

function place(id: string): HTMLElement {
  const element = document.getElementById(`plot-${id}`);
  if (!element) throw new Error(`no place for the ${id} plot`);
  return element;
}

function size(element: HTMLElement): { width: number; height: number } {
  return { width: Math.max(320, element.clientWidth || 960), height: 280 };
}

const line = (label: string, stroke: string, unit: string): uPlot.Series => ({
  label,
  stroke,
  width: 2,
  spanGaps: false,
  value: (_self, value) => (value === null || value === undefined ? '–' : `${Number(value).toPrecision(3)}${unit}`),
});

const secondsAxis: uPlot.Axis = {
  label: 'second of the run',
  incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600],
  values: (_self, ticks) => ticks.map((t) => `${t} s`),
};

function timePlot(id: string, yLabel: string, series: uPlot.Series[], values: Array<(number | null)[]>): void {
  const element = place(id);
  const plot = new uPlot(
    {
      ...size(element),
      scales: { x: { time: false } },
      axes: [secondsAxis, { label: yLabel, size: 60 }],
      series: [{ label: 'second' }, ...series],
    },
    [data.seconds, ...values] as uPlot.AlignedData,
    element,
  );
  element.dataset['drawn'] = String(plot.status === 1);
}

function histogramPlot(): void {
  const element = place('histogram');
  const { from, to, count } = data.histogram;
  const middles = from.map((low, i) => Math.sqrt(low * to[i]!));
  const bars = uPlot.paths.bars!({ size: [0.9, 80], align: 0 });
  const plot = new uPlot(
    {
      ...size(element),
      scales: {
        x: { time: false, distr: 3, range: () => [from[0] ?? 0.001, to[to.length - 1] ?? 1] },
        y: { range: (_self, _min, max) => [0, Math.max(1, max) * 1.05] },
      },
      axes: [{ label: 'reply latency (ms, logarithmic)' }, { label: 'replies', size: 60 }],
      series: [
        { label: 'latency (ms)', value: (_self, v) => (v === null ? '–' : `${v.toPrecision(3)} ms`) },
        { label: 'replies', fill: '#1f77b4aa', stroke: '#1f77b4', paths: bars, points: { show: false } },
      ],
    },
    [middles, count],
    element,
  );
  element.dataset['drawn'] = String(plot.status === 1);
}

timePlot(
  'latency',
  'ms',
  [line('p50', COLORS.p50, ' ms'), line('p99', COLORS.p99, ' ms'), line('max', COLORS.max, ' ms')],
  [data.latency.p50, data.latency.p99, data.latency.max],
);
timePlot(
  'throughput',
  'messages/s',
  [line('sent (out)', COLORS.sent, '/s'), line('received (in)', COLORS.received, '/s')],
  [data.throughput.sent, data.throughput.received],
);
histogramPlot();
timePlot(
  'connections',
  'connections',
  [line('open', COLORS.open, ''), line('opened /s', COLORS.sent, ''), line('closed /s', COLORS.closed, ''), line('failed /s', COLORS.failed, '')],
  [data.connections.open, data.connections.opened, data.connections.closed, data.connections.failed],
);
