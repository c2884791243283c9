/**
 * Numbers for the status bar, the tree and the chart, written the way the server and
 * DevTools write them (1 kB = 1000 B), so the same leak reads the same everywhere.
 */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(size: number): string {
  if (!Number.isFinite(size)) {
    return '–';
  }
  let value = size;
  for (const unit of UNITS) {
    if (Math.abs(value) < 1000 || unit === 'TB') {
      return unit === 'B' ? `${formatCount(Math.round(value))} B` : `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${unit}`;
    }
    value /= 1000;
  }
  return `${value} TB`;
}

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

export function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : value < 0 ? `−${text.replace(/^-/, '')}` : text;
}

/** Below this rate (bytes/s) the heap counts as flat: GC noise, not a trend. */
export const FLAT_TREND = 1000;

export function trendArrow(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) {
    return '';
  }
  if (Math.abs(bytesPerSecond) < FLAT_TREND) {
    return '→';
  }
  return bytesPerSecond > 0 ? '↗' : '↘';
}

/** `↗ +1.2 MB/s`, `→ flat`, or '' while the monitor has too few samples for a trend. */
export function formatTrend(bytesPerSecond: number | null | undefined): string {
  const arrow = trendArrow(bytesPerSecond);
  if (!arrow) {
    return '';
  }
  if (arrow === '→') {
    return '→ flat';
  }
  const rate = bytesPerSecond as number;
  return `${arrow} ${signed(formatBytes(Math.abs(rate)), rate)}/s`;
}
