/**
 * Memory samples from `heapscope/memory`: validated, kept in a bounded history, summarised
 * for the status bar and drawn as an SVG chart for the monitor view. The chart is built here
 * as a string of numbers and escaped labels, so the webview needs no script library, no CDN
 * and no inline styles.
 */
import { formatBytes, formatDuration, formatTrend } from './format';

export interface MemorySample {
  /** Seconds since the epoch. */
  timestamp: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Heap after the latest full GC the monitor saw; null before the first one. */
  afterGc: number | null;
  trendBytesPerSecond: number | null;
  leakSuspected: boolean;
  verdict: string;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A sample from untyped JSON; undefined when the essentials (time, heapUsed) are missing. */
export function parseSample(value: unknown): MemorySample | undefined {
  const raw = value as Record<string, unknown> | null;
  const timestamp = finite(raw?.timestamp);
  const heapUsed = finite(raw?.heapUsed);
  if (!raw || timestamp === undefined || heapUsed === undefined) {
    return undefined;
  }
  return {
    timestamp,
    heapUsed,
    rss: finite(raw.rss) ?? 0,
    heapTotal: finite(raw.heapTotal) ?? 0,
    external: finite(raw.external) ?? 0,
    arrayBuffers: finite(raw.arrayBuffers) ?? 0,
    afterGc: finite(raw.afterGc) ?? null,
    trendBytesPerSecond: finite(raw.trendBytesPerSecond) ?? null,
    leakSuspected: raw.leakSuspected === true,
    verdict: typeof raw.verdict === 'string' ? raw.verdict : '',
  };
}

/** The last `capacity` samples (an hour at one per second by default). */
export class MemoryHistory {
  private readonly items: MemorySample[] = [];

  constructor(private readonly capacity = 3600) {}

  add(sample: MemorySample): void {
    this.items.push(sample);
    if (this.items.length > this.capacity) {
      this.items.splice(0, this.items.length - this.capacity);
    }
  }

  clear(): void {
    this.items.length = 0;
  }

  get samples(): readonly MemorySample[] {
    return this.items;
  }

  get latest(): MemorySample | undefined {
    return this.items[this.items.length - 1];
  }
}

/** Status bar text: `$(pulse) 42.1 MB ↗ +1.2 MB/s` (codicon syntax). */
export function statusText(sample: MemorySample): string {
  const trend = formatTrend(sample.trendBytesPerSecond);
  const icon = sample.leakSuspected ? '$(warning)' : '$(pulse)';
  return [icon, formatBytes(sample.heapUsed), trend].filter(Boolean).join(' ');
}

export function statusTooltip(sample: MemorySample, target?: string): string {
  const lines = [
    `Heapscope memory monitor${target ? ` — ${target}` : ''}`,
    `heap used: ${formatBytes(sample.heapUsed)} of ${formatBytes(sample.heapTotal)}`,
    `rss: ${formatBytes(sample.rss)}`,
    `heap after GC: ${sample.afterGc === null ? 'no full GC seen yet' : formatBytes(sample.afterGc)}`,
  ];
  const trend = formatTrend(sample.trendBytesPerSecond);
  if (trend) {
    lines.push(`trend: ${trend}`);
  }
  if (sample.verdict) {
    lines.push(sample.verdict);
  }
  lines.push('', 'Click to open the memory chart.');
  return lines.join('\n');
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface ChartSeries {
  key: 'rss' | 'heapUsed' | 'afterGc';
  label: string;
  /** Theme colour (a VS Code CSS variable), applied by the webview's stylesheet through `series-<key>`. */
  color: string;
}

export const CHART_SERIES: readonly ChartSeries[] = [
  { key: 'rss', label: 'rss', color: 'var(--vscode-charts-blue)' },
  { key: 'heapUsed', label: 'heap used', color: 'var(--vscode-charts-orange)' },
  { key: 'afterGc', label: 'heap after GC', color: 'var(--vscode-charts-red)' },
];

/** A y-axis maximum that lands on a round number (1, 2 or 5 × 10ⁿ bytes). */
export function niceCeiling(value: number): number {
  if (value <= 0) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) {
      return step * power;
    }
  }
  return 10 * power;
}

/** The stylesheet that colours the chart's series (and their legend lines) with the theme: classes, not inline styles, for the CSP. */
export function chartStyles(): string {
  return CHART_SERIES.map((series) => `.series-${series.key}{stroke:${series.color}}`).join('\n');
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 86400];

/** Seconds between time labels: the smallest round step that gives at most four intervals. */
export function timeStep(span: number): number {
  return TIME_STEPS.find((step) => span / step <= 4) ?? Math.ceil(span / 4 / 86400) * 86400;
}

/**
 * An SVG line chart of rss, heap used and heap after GC over time. Scales are computed here;
 * everything in the markup is numbers or escaped text.
 */
export function renderChart(samples: readonly MemorySample[], width = 720, height = 300): string {
  const margin = { left: 72, right: 16, top: 16, bottom: 40 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Memory over time">`,
  ];
  if (!samples.length) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="currentColor">Waiting for the first memory sample…</text></svg>`);
    return parts.join('');
  }
  const start = samples[0].timestamp;
  const span = Math.max(samples[samples.length - 1].timestamp - start, 1);
  const top = niceCeiling(Math.max(...samples.map((s) => Math.max(s.rss, s.heapUsed, s.afterGc ?? 0))));
  const x = (t: number): number => margin.left + ((t - start) / span) * plotWidth;
  const y = (v: number): number => margin.top + plotHeight - (v / top) * plotHeight;
  const round = (v: number): string => v.toFixed(1);

  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="currentColor" stroke-opacity="0.15"/>`,
      `<text x="${margin.left - 6}" y="${round(y(value) + 4)}" text-anchor="end" font-size="11" fill="currentColor">${escapeXml(formatBytes(value))}</text>`,
    );
  }
  // Time labels at whole multiples of a round step, so they are evenly spaced and each
  // names the time under it exactly (no "0 s, 1 s, 3 s, 4 s" from rounding).
  const step = timeStep(span);
  for (let t = 0; t <= span + 1e-9; t += step) {
    parts.push(
      `<text x="${round(x(start + t))}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="11" fill="currentColor">${escapeXml(formatDuration(t))}</text>`,
    );
  }
  // A series is drawn, and gets a legend entry, only when it has samples: every entry
  // in the legend has its line. The legend swatch is a short piece of the same line.
  let legendX = margin.left;
  for (const series of CHART_SERIES) {
    const points = samples
      .filter((s) => s[series.key] !== null)
      .map((s) => `${round(x(s.timestamp))},${round(y(s[series.key] as number))}`);
    if (!points.length) {
      continue;
    }
    const dash = series.key === 'afterGc' ? ' stroke-dasharray="4 3"' : '';
    const line = `class="series series-${series.key}" data-series="${series.key}" fill="none" stroke-width="2"${dash}`;
    parts.push(
      `<polyline ${line} points="${points.length === 1 ? `${points[0]} ${points[0]}` : points.join(' ')}"/>`,
      `<line ${line.replace('class="series ', 'class="legend ').replace('data-series', 'data-legend')} x1="${legendX}" x2="${legendX + 16}" y1="${height - 12}" y2="${height - 12}"/>`,
      `<text x="${legendX + 20}" y="${height - 8}" font-size="11" fill="currentColor">${escapeXml(series.label)}</text>`,
    );
    legendX += 120;
  }
  parts.push('</svg>');
  return parts.join('');
}
