'use strict';
// The quote service: a price bus, an HTTP server for quote pages and its own client.
const { serve, driveTraffic } = require('../_shared/traffic');
const { PriceBus, startFeed } = require('./price-bus');

const SYMBOLS = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA'];

function startService(quoteHandler) {
  const bus = new PriceBus();
  startFeed(bus, SYMBOLS);
  serve(quoteHandler(bus), (port) => {
    driveTraffic(port, (n) => ({ path: `/quote?symbol=${SYMBOLS[n % SYMBOLS.length]}` }), { perSecond: 40 });
  });
}

module.exports = { startService };
