'use strict';
// The same work as leaky-emitter.js, but each listener is registered with `once`, so the emitter
// drops it (and the array it holds) as soon as the event has been delivered.
const EventEmitter = require('node:events');
const emitter = new EventEmitter();

// Print at most once every five seconds: the program runs until it is stopped and should not flood the terminal.
let lastPrint = 0;
function report(length) {
  const now = Date.now();
  if (now - lastPrint < 5000) return;
  lastPrint = now;
  console.log(`listeners: ${emitter.listenerCount('leak')}, array length: ${length}`);
}

function createLeak() {
  const big = new Array(1e5).fill('*');
  emitter.once('leak', () => report(big.length));
}

setInterval(() => {
  createLeak();
  emitter.emit('leak');
}, 1000);
