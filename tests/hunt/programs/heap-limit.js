'use strict';
// A cache without eviction in a process with a small heap: it reaches the heap limit in seconds.
const cache = new Map();
let key = 0;
setInterval(() => {
  for (let i = 0; i < 2000; i++) cache.set(key++, { key, payload: new Array(20).fill(key) });
}, 10);
