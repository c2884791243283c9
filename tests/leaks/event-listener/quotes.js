'use strict';
// Quote pages: each request builds a view of a symbol's order book and follows live ticks for it.

function buildView(symbol) {
  const levels = [];
  for (let i = 0; i < 400; i++) levels.push({ price: 100 + i / 100, size: (i * 7) % 13, venue: `X${i % 5}` });
  return { symbol, levels, last: null, updates: 0 };
}

/** Leaky: subscribes the view to the bus and never unsubscribes when the response is done. */
function quoteHandler(bus) {
  return (request, response) => {
    const symbol = new URL(request.url, 'http://local').searchParams.get('symbol') || 'ACME';
    const view = buildView(symbol);
    bus.on('tick', (tick) => { if (tick.symbol === view.symbol) { view.last = tick.price; view.updates += 1; } }); // LEAK: event-listener
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ symbol, depth: view.levels.length }));
  };
}

module.exports = { buildView, quoteHandler };
