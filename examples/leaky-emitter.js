'use strict';
// The leak from the user guide's "Real Leak Example": every tick registers one more listener, and
// each listener keeps its own big array alive for as long as the emitter lives.
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
  emitter.on('leak', () => report(big.length));
}

setInterval(() => {
  createLeak();
  emitter.emit('leak');
}, 1000);
