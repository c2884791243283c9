'use strict';
// A pub/sub bus for price ticks. The warning about many listeners is switched off because every
// open quote page subscribes: a common "fix" that hides the leak below instead of fixing it.
const EventEmitter = require('node:events');

class PriceBus extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
    this.sequence = 0;
  }

  publish(symbol, price) {
    this.sequence += 1;
    this.emit('tick', { symbol, price, sequence: this.sequence });
  }
}

/** Publishes a random walk for a few symbols every 200 ms. */
function startFeed(bus, symbols) {
  const prices = new Map(symbols.map((symbol) => [symbol, 100]));
  return setInterval(() => {
    for (const symbol of symbols) {
      const price = prices.get(symbol) * (1 + (Math.random() - 0.5) / 100);
      prices.set(symbol, price);
      bus.publish(symbol, price);
    }
  }, 200);
}

module.exports = { PriceBus, startFeed };
