/**
 * The report page's HTML: one file with everything inlined (styles, the bundled plotting script,
 * the data), so it opens offline and from an e-mail attachment. The summary table and every
 * plot's data table are plain HTML, readable without the script; the script draws the plots.
 */
import type { LoadResult } from '../result.js';
import type { ReportData } from './page/data.js';
import { formatCount, formatMicros, summaryGroups } from './summary.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside <script type="application/json">: `<` escaped so no `</script>` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** A plot's place: the canvas goes in the role=img element; the caption and data table stand beside it. */
export interface PlotSpec {
  id: 'latency' | 'throughput' | 'histogram' | 'connections';
  title: string;
  /** The accessible name of the drawing. */
  label: string;
  caption: string;
  table: { head: string[]; rows: Array<Array<string | number>> };
}

const fixed = (n: number | null, digits = 3): string => (n === null ? '–' : n.toPrecision(digits));

export function plotSpecs(data: ReportData): PlotSpec[] {
  const at = (i: number): string => `${data.seconds[i]} s`;
  return [
    {
      id: 'latency',
      title: 'Reply latency over time',
      label: 'Line chart: reply latency p50, p99 and max per second of the run, in milliseconds',
      caption: 'The latency of the replies matched in each second: median (p50), 99th percentile and maximum.',
      table: {
        head: ['second', 'p50 (ms)', 'p99 (ms)', 'max (ms)'],
        rows: data.seconds.map((_, i) => [at(i), fixed(data.latency.p50[i] ?? null), fixed(data.latency.p99[i] ?? null), fixed(data.latency.max[i] ?? null)]),
      },
    },
    {
      id: 'throughput',
      title: 'Throughput over time',
      label: 'Line chart: messages sent (out) and received (in) per second of the run',
      caption: 'Messages sent to the server (out) and received from it (in), per second.',
      table: {
        head: ['second', 'sent (out) /s', 'received (in) /s'],
        rows: data.seconds.map((_, i) => [at(i), formatCount(data.throughput.sent[i]!), formatCount(data.throughput.received[i]!)]),
      },
    },
    {
      id: 'histogram',
      title: 'Latency histogram',
      label: 'Bar chart: number of replies by latency, logarithmic latency axis in milliseconds',
      caption: "Every matched reply of the run by its latency, from the run's HDR histogram, in buckets that grow by a factor of 1.26.",
      table: {
        head: ['latency from', 'to', 'replies'],
        rows: data.histogram.count.map((n, i) => [formatMicros(data.histogram.from[i]! * 1000), formatMicros(data.histogram.to[i]! * 1000), formatCount(n)]),
      },
    },
    {
      id: 'connections',
      title: 'Connections over time',
      label: 'Line chart: connections open at the end of each second, and connections opened, closed and failed per second',
      caption: 'Connections open at the end of each second, and those that opened, closed or failed to open in it.',
      table: {
        head: ['second', 'open', 'opened', 'closed', 'failed'],
        rows: data.seconds.map((_, i) => [
          at(i),
          data.connections.open[i]!,
          data.connections.opened[i]!,
          data.connections.closed[i]!,
          data.connections.failed[i]!,
        ]),
      },
    },
  ];
}

function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, caption: string): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function summaryTable(result: LoadResult): string {
  const sections = summaryGroups(result).map((group) => {
    const rows = group.rows
      .map(
        (row) =>
          `<tr data-key="${escapeHtml(row.key)}"><th scope="row">${escapeHtml(row.label)}</th><td data-value="${escapeHtml(String(row.value))}">${escapeHtml(row.text)}</td></tr>`,
      )
      .join('\n');
    return `<tbody><tr><th scope="rowgroup" colspan="2" class="group">${escapeHtml(group.title)}</th></tr>\n${rows}\n</tbody>`;
  });
  return `<table id="summary" class="summary"><caption>Summary of the run</caption>\n${sections.join('\n')}\n</table>`;
}

function settingsLine(result: LoadResult): string {
  const s = result.settings;
  const loop = s.rate
    ? `${s.rate.perSecond}/s per ${s.rate.scope === 'total' ? 'run' : 'connection'} (open loop)`
    : `${s.inFlight} in flight per connection (closed loop)`;
  const bound = s.durationSeconds !== null ? `${s.durationSeconds} s` : `${s.messagesPerConnection} messages per connection`;
  const parts = [
    `${formatCount(s.connections)} connections`,
    bound,
    loop,
    `match ${s.match}`,
    `${s.workers} worker${s.workers === 1 ? '' : 's'}`,
    `started ${new Date(result.startedAt).toISOString()}`,
    `wscope ${result.wscope}`,
  ];
  return parts.map(escapeHtml).join(' · ');
}

const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.settings { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; }
td { text-align: right; }
.summary { min-width: 520px; }
.summary th.group { background: var(--band); font-weight: 600; padding-top: 8px; }
.summary th[scope=row] { font-weight: normal; }
figure { margin: 0 0 12px; }
.plot { min-height: 300px; }
figcaption { color: var(--muted); margin: 4px 0; }
details { margin: 4px 0 0; }
details table { margin-top: 6px; }
.grid { display: grid; grid-template-columns: 1fr; gap: 8px; }
`;

export interface PageAssets {
  script: string;
  css: string;
}

export function reportHtml(result: LoadResult, data: ReportData, assets: PageAssets): string {
  const title = `wscope load: ${result.settings.url}`;
  const figures = plotSpecs(data).map(
    (plot) => `<section aria-labelledby="title-${plot.id}">
<h2 id="title-${plot.id}">${escapeHtml(plot.title)}</h2>
<figure id="figure-${plot.id}" aria-labelledby="title-${plot.id}" aria-describedby="caption-${plot.id}">
<div class="plot" id="plot-${plot.id}" role="img" aria-label="${escapeHtml(plot.label)}"></div>
<figcaption id="caption-${plot.id}">${escapeHtml(plot.caption)}</figcaption>
<details><summary>Data table: ${escapeHtml(plot.title.toLowerCase())}</summary>
${table(plot.table.head, plot.table.rows, plot.title)}
</details>
</figure>
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="settings">${settingsLine(result)}</p>
<h2 id="title-summary">Summary</h2>
${summaryTable(result)}
${figures.join('\n')}
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${assets.script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
