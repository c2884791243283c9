'use strict';
// The resizer worker: each job allocates its pixels and follows the worker's progress bus.
const EventEmitter = require('node:events');
const { parentPort } = require('node:worker_threads');

const progress = new EventEmitter();
progress.setMaxListeners(0);

parentPort.on('message', ({ job, width }) => {
  const pixels = new Array(width * 40).fill(job);
  progress.on('tick', () => pixels.length); // LEAK: event-listener
  progress.emit('tick');
});
