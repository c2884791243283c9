'use strict';
// A supervisor that forks one process for the jobs and one cluster worker for HTTP: three heaps.
const cluster = require('node:cluster');
const http = require('node:http');
const path = require('node:path');
const { fork } = require('node:child_process');

if (cluster.isPrimary) {
  const jobs = fork(path.join(__dirname, 'jobs.js'));
  cluster.fork();
  setInterval(() => jobs.send({ at: Date.now() }), 50);
} else {
  http.createServer((request, response) => response.end('ok')).listen(0, '127.0.0.1');
}
