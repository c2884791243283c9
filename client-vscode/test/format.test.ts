import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatCount, formatTrend } from '../src/logic/format';

describe('formatBytes (1 kB = 1000 B, like the server and DevTools)', () => {
  it('picks the unit', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1000), '1.0 kB');
    assert.equal(formatBytes(9_600_000), '9.6 MB');
    assert.equal(formatBytes(1_234_567_890), '1.2 GB');
    assert.equal(formatBytes(-2_500_000), '-2.5 MB');
    assert.equal(formatBytes(Number.NaN), '–');
  });

  it('groups thousands', () => {
    assert.equal(formatCount(1200), '1,200');
    assert.equal(formatBytes(1_500_000_000_000_000), '1,500.0 TB');
  });
});

describe('formatTrend', () => {
  it('shows direction and rate, flat under 1 kB/s, nothing without a trend', () => {
    assert.equal(formatTrend(1_200_000), '↗ +1.2 MB/s');
    assert.equal(formatTrend(-300_000), '↘ −300.0 kB/s');
    assert.equal(formatTrend(200), '→ flat');
    assert.equal(formatTrend(null), '');
  });
});
