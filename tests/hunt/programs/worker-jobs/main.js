'use strict';
// A job service that hands image jobs to a worker thread. The main thread only dispatches and does
// not leak; a second, short-lived worker warms a cache and exits after a few seconds.
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const resizer = new Worker(path.join(__dirname, 'resizer.js'));
const warmer = new Worker(path.join(__dirname, 'warmer.js'));
warmer.on('exit', () => {});

let job = 0;
setInterval(() => {
  job += 1;
  resizer.postMessage({ job, width: 64 + (job % 5) });
}, 10);
