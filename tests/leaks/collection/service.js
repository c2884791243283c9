'use strict';
// A pricing API: clients post orders; the server parses them through a memoized parser because
// the same payloads used to be retried a lot.
const { serve, driveTraffic, readBody } = require('../_shared/traffic');
const { createHash } = require('node:crypto');
const { orderPayload } = require('./orders');

function startService({ memoize }) {
  const parseOrder = memoize(JSON.parse, ([text]) => createHash('sha1').update(text).digest('base64'));
  const handler = (request, response) => {
    readBody(request, (body) => {
      const order = parseOrder(body);
      const total = order.items.reduce((sum, item) => sum + item.qty * item.price, 0);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ requestId: order.requestId, total }));
    }, response);
  };
  serve(handler, (port) => {
    driveTraffic(port, (n) => ({ path: '/price', method: 'POST', body: orderPayload(n) }), { perSecond: 60 });
  });
}

module.exports = { startService };
