'use strict';
// A cache warmer: fills a table for a few seconds, then its work is done and the thread exits.
const table = new Map();
const fill = setInterval(() => {
  for (let i = 0; i < 100; i++) table.set(table.size, { slot: table.size });
}, 20);
setTimeout(() => {
  clearInterval(fill);
  process.exit(0);
}, 4000);
