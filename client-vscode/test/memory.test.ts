import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartSummary, MemorySample, parseSample, statusText, statusTooltip } from '../src/logic/memory';

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

describe('chartSummary', () => {
  it('sums up the latest sample above the chart, or says how to get one', () => {
    assert.equal(chartSummary(sample(0, 10_000_000, { afterGc: 8_000_000, trendBytesPerSecond: 1_200_000 })), 'heap used 10.0 MB · rss 20.0 MB · after GC 8.0 MB · ↗ +1.2 MB/s');
    assert.equal(chartSummary(sample(0, 10_000_000)), 'heap used 10.0 MB · rss 20.0 MB · after GC –');
    assert.match(chartSummary(undefined), /Start Memory Monitor/);
  });
});
