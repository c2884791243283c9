'use strict';
// A small steady worker: a bounded ring of recent jobs and short-lived garbage per job. Nothing leaks.
const recent = [];
let jobs = 0;
setInterval(() => {
  const job = { id: jobs++, steps: new Array(50).fill(jobs) };
  recent.push(job);
  if (recent.length > 100) recent.shift();
}, 5);
