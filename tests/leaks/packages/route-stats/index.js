'use strict';
// route-stats: latency histograms keyed by label set. Every distinct label set gets its own
// series with fixed buckets and a reservoir of recent samples, kept for the life of the
// process: fine for a handful of routes, unbounded when a label carries ids.

const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
const RESERVOIR = 1024;

class Registry {
  constructor() {
    this.series = new Map();
  }

  observe(name, labels, valueMs) {
    const key = `${name}{${Object.keys(labels).sort().map((label) => `${label}=${labels[label]}`).join(',')}}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { name, labels: { ...labels }, counts: new Array(BUCKETS_MS.length + 1).fill(0), samples: new Array(RESERVOIR).fill(0), seen: 0, sum: 0 };
      this.series.set(key, series);
    }
    const bucket = BUCKETS_MS.findIndex((limit) => valueMs <= limit);
    series.counts[bucket === -1 ? BUCKETS_MS.length : bucket] += 1;
    series.samples[series.seen % RESERVOIR] = valueMs;
    series.seen += 1;
    series.sum += valueMs;
  }

  render() {
    const lines = [];
    for (const [key, series] of this.series) lines.push(`${key} count=${series.seen} sum=${series.sum}`);
    return lines.join('\n');
  }
}

const defaultRegistry = new Registry();

module.exports = { Registry, observe: defaultRegistry.observe.bind(defaultRegistry), registry: defaultRegistry };
