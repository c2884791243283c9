import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartStyles, MemoryHistory, MemorySample, niceCeiling, parseSample, renderChart, statusText, statusTooltip, timeStep } from '../src/logic/memory';

function sample(seconds: number, heapUsed: number, extra: Partial<MemorySample> = {}): MemorySample {
  return parseSample({
    timestamp: 1_700_000_000 + seconds,
    rss: heapUsed * 2,
    heapTotal: heapUsed * 1.5,
    heapUsed,
    external: 0,
    arrayBuffers: 0,
    afterGc: null,
    trendBytesPerSecond: null,
    leakSuspected: false,
    verdict: '',
    ...extra,
  })!;
}

describe('parseSample', () => {
  it('needs a timestamp and heapUsed; fills the rest', () => {
    assert.equal(parseSample({ heapUsed: 1 }), undefined);
    assert.equal(parseSample(null), undefined);
    const parsed = parseSample({ timestamp: 1, heapUsed: 5, afterGc: 'x', leakSuspected: 'yes' })!;
    assert.equal(parsed.afterGc, null);
    assert.equal(parsed.leakSuspected, false);
    assert.equal(parsed.rss, 0);
  });
});

describe('status bar text', () => {
  it('shows heap used and trend; a warning icon when the heuristic fires', () => {
    assert.equal(statusText(sample(0, 42_100_000)), '$(pulse) 42.1 MB');
    assert.equal(statusText(sample(0, 42_100_000, { trendBytesPerSecond: 1_200_000, leakSuspected: true })), '$(warning) 42.1 MB ↗ +1.2 MB/s');
  });

  it('explains the numbers in the tooltip', () => {
    const tooltip = statusTooltip(sample(0, 10_000_000, { afterGc: 8_000_000, verdict: 'heap after GC grew 5 times in a row' }), '127.0.0.1:9229');
    assert.match(tooltip, /127\.0\.0\.1:9229/);
    assert.match(tooltip, /heap after GC: 8\.0 MB/);
    assert.match(tooltip, /grew 5 times in a row/);
  });
});

describe('MemoryHistory', () => {
  it('keeps the last samples only', () => {
    const history = new MemoryHistory(3);
    for (let i = 0; i < 5; i++) {
      history.add(sample(i, i));
    }
    assert.deepEqual(history.samples.map((s) => s.heapUsed), [2, 3, 4]);
    assert.equal(history.latest?.heapUsed, 4);
    history.clear();
    assert.equal(history.latest, undefined);
  });
});

describe('renderChart', () => {
  it('draws one line per series with a point per sample (after-GC only where known)', () => {
    const svg = renderChart([sample(0, 10e6), sample(1, 20e6, { afterGc: 9e6 }), sample(2, 30e6, { afterGc: 12e6 })]);
    const points = (series: string): number => {
      const match = new RegExp(`data-series="${series}"[^>]*points="([^"]*)"`).exec(svg);
      return match ? match[1].split(' ').length : 0;
    };
    assert.equal(points('rss'), 3);
    assert.equal(points('heapUsed'), 3);
    assert.equal(points('afterGc'), 2);
    assert.match(svg, /^<svg [^>]*viewBox="0 0 720 300"/);
    assert.match(svg, />100\.0 MB</, 'the y axis tops out at a round number above rss (60 MB)');
    assert.match(svg, />2 s</);
  });

  it('has no inline style or script, so it passes a strict CSP', () => {
    const svg = renderChart([sample(0, 1), sample(1, 2)]);
    assert.doesNotMatch(svg, /style=|<script|javascript:/);
    assert.match(chartStyles(), /\.series-heapUsed\{stroke:var\(--vscode-charts-orange\)\}/);
  });

  it('labels the time axis without repeats on short runs', () => {
    const svg = renderChart([sample(0, 1), sample(1.5, 2), sample(3, 3)]);
    const labels = [...svg.matchAll(/>(\d+ s)</g)].map((match) => match[1]);
    assert.deepEqual(labels, ['0 s', '1 s', '2 s', '3 s']);
  });

  it('puts time labels at evenly spaced round times', () => {
    const samples = Array.from({ length: 10 }, (_, i) => sample(i * 0.5, i + 1));
    const svg = renderChart(samples); // 4.5 s
    const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="276"[^>]*>([^<]+)</g)].map((match) => [Number(match[1]), match[2]] as const);
    assert.deepEqual(ticks.map(([, label]) => label), ['0 s', '2 s', '4 s']);
    const gaps = ticks.slice(1).map(([x], i) => x - ticks[i][0]);
    assert.ok(Math.abs(gaps[0] - gaps[1]) < 0.2, `gaps ${gaps}`);
    assert.equal(timeStep(4.5), 2);
    assert.equal(timeStep(100), 30);
    assert.equal(timeStep(0.5), 1);
  });

  it('gives every legend entry its line, and no entry to a series without samples', () => {
    const legend = (svg: string): string[] => [...svg.matchAll(/data-legend="(\w+)"/g)].map((match) => match[1]);
    const lines = (svg: string): string[] => [...svg.matchAll(/<polyline [^>]*data-series="(\w+)"/g)].map((match) => match[1]);
    const beforeGc = renderChart([sample(0, 1), sample(1, 2)]);
    assert.deepEqual(legend(beforeGc), ['rss', 'heapUsed']);
    assert.deepEqual(lines(beforeGc), ['rss', 'heapUsed']);
    assert.doesNotMatch(beforeGc, /heap after GC/);
    const afterGc = renderChart([sample(0, 1), sample(1, 2, { afterGc: 1 })]);
    assert.deepEqual(legend(afterGc), ['rss', 'heapUsed', 'afterGc']);
    assert.deepEqual(lines(afterGc), legend(afterGc));
    assert.match(afterGc, /<line class="legend series-afterGc" data-legend="afterGc"[^>]*stroke-dasharray="4 3"/);
  });

  it('says it is waiting when there is nothing yet', () => {
    assert.match(renderChart([]), /Waiting for the first memory sample/);
  });

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceCeiling(42_000_000), 50_000_000);
    assert.equal(niceCeiling(150), 200);
    assert.equal(niceCeiling(1000), 1000);
    assert.equal(niceCeiling(0), 1);
  });
});
