'use strict';
/*
 * Time memlab's own work on one snapshot, phase by phase, for bench/run.py.
 *
 *   node --max-old-space-size=16000 bench/memlab_bench.js FILE.heapsnapshot
 *
 * "parse" is memlab's snapshot loader (utils.getSnapshotFromFile: read, parse the
 * arrays, build its node/edge indexes); "dominators" is TraceFinder's
 * calculateAllNodesRetainedSizes (dominator tree and retained size of every node),
 * the same call memlab's analyses make. Prints one JSON line with both times.
 */
const { performance } = require('perf_hooks');
const memlab = require('@memlab/core');

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node memlab_bench.js FILE.heapsnapshot');
    process.exit(2);
  }
  memlab.config.muteConsole = true;
  const parseStart = performance.now();
  const snapshot = await memlab.utils.getSnapshotFromFile(file, {});
  const parseSeconds = (performance.now() - parseStart) / 1000;
  if (!snapshot) throw new Error(`memlab could not parse ${file}`);

  const finder = new memlab.TraceFinder();
  const dominatorStart = performance.now();
  finder.calculateAllNodesRetainedSizes(snapshot);
  const dominatorSeconds = (performance.now() - dominatorStart) / 1000;

  const root = snapshot.nodes.get(0);
  console.log(
    JSON.stringify({
      parse: parseSeconds,
      dominators: dominatorSeconds,
      nodes: snapshot.nodes.length,
      edges: snapshot.edges.length,
      root_retained: root.retainedSize,
    }),
  );
}

main().catch((error) => {
  console.error(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
