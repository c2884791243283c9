'use strict';
/*
 * A real heap for the find-leaks benchmark: a process holding the TypeScript compiler's
 * syntax trees of typescript.js itself, plus an event-listener leak, snapshotted three times.
 *
 *   node --max-old-space-size=8000 bench/make_ts_heap.js OUT_DIR [TREES]
 *
 * Writes OUT_DIR/ts-1.heapsnapshot, ts-2 and ts-3 with v8.writeHeapSnapshot. The trees are
 * what a language service or bundler keeps (real compiler objects: Node, Identifier,
 * Token, NodeArray, SourceFile, hundreds of shapes and strings) and stay the same across
 * the three snapshots; between them a request handler adds listeners to a long-lived
 * emitter and never removes them, each closing over its request's state. Node 22 or newer
 * writes this heap in seconds; Node 20's V8 takes many minutes.
 */
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
const EventEmitter = require('events');
const ts = require('typescript');

const [outDir, treesText] = process.argv.slice(2);
const trees = Number(treesText || 1);
if (!outDir || !(trees > 0)) {
  console.error('usage: node make_ts_heap.js OUT_DIR [TREES]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const source = fs.readFileSync(require.resolve('typescript/lib/typescript.js'), 'utf8');
// One tree per "project"; parent pointers set, as a language service has them.
globalThis.sourceFiles = [];
for (let i = 0; i < trees; i++) {
  globalThis.sourceFiles.push(
    ts.createSourceFile(`project-${i}/typescript.js`, source, ts.ScriptTarget.Latest, true),
  );
}

// The leak: every "request" subscribes to a shared emitter and never unsubscribes.
const bus = new EventEmitter();
bus.setMaxListeners(0);
globalThis.bus = bus;
let requestNumber = 0;

function handleRequest() {
  const request = { id: ++requestNumber, path: `/search?q=${requestNumber}`, started: Date.now() };
  const state = { request, hits: new Array(16).fill(requestNumber), note: `request ${requestNumber}` };
  bus.on('config-changed', function onConfigChanged() {
    state.stale = true;
  });
}

function snapshot(number) {
  const file = path.join(outDir, `ts-${number}.heapsnapshot`);
  const temporary = `${file}.tmp`;
  v8.writeHeapSnapshot(temporary);
  fs.renameSync(temporary, file);
  console.log(`${file} ${fs.statSync(file).size}`);
}

for (let i = 0; i < 500; i++) handleRequest();
snapshot(1);
for (let i = 0; i < 3000; i++) handleRequest();
snapshot(2);
for (let i = 0; i < 3000; i++) handleRequest();
snapshot(3);
