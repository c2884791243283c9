'use strict';
// Quote pages, fixed: the tick listener is removed as soon as the response is closed.
const { buildView } = require('./quotes');

function quoteHandler(bus) {
  return (request, response) => {
    const symbol = new URL(request.url, 'http://local').searchParams.get('symbol') || 'ACME';
    const view = buildView(symbol);
    const onTick = (tick) => { if (tick.symbol === view.symbol) { view.last = tick.price; view.updates += 1; } };
    bus.on('tick', onTick);
    response.on('close', () => bus.off('tick', onTick));
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ symbol, depth: view.levels.length }));
  };
}

module.exports = { quoteHandler };
