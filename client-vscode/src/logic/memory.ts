/**
 * Memory samples from `heapscope/memory`: validated and summarised for the status bar and the
 * memory view's heading. The chart itself is drawn by the language server (one renderer with
 * the HTML report: server/heapscope/analysis/memory_chart.py); the view only shows it.
 */
import { formatBytes, formatTrend } from './format';

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

/** The memory view's line above the chart. */
export function chartSummary(sample: MemorySample | undefined): string {
  if (!sample) {
    return 'Start the memory monitor (Heapscope: Start Memory Monitor) to see samples here.';
  }
  return [
    `heap used ${formatBytes(sample.heapUsed)}`,
    `rss ${formatBytes(sample.rss)}`,
    `after GC ${sample.afterGc === null ? '–' : formatBytes(sample.afterGc)}`,
    formatTrend(sample.trendBytesPerSecond),
  ]
    .filter(Boolean)
    .join(' · ');
}
