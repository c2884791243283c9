'use strict';
// A catalogue API with access logging; the client browses products with long tracking paths.
const { serve, driveTraffic } = require('../_shared/traffic');
const { findProduct } = require('./catalog');
const { logRequest } = require('./request-logger');

const handler = (request, response) => {
  const startedAt = Date.now();
  const id = Number(request.url.split('/')[2]) || 0;
  response.on('finish', () => logRequest(request, response, startedAt));
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(findProduct(id)));
};

serve(handler, (port) => {
  driveTraffic(port, (n) => ({ path: `/products/${n}/reviews/page/${n % 7}/sort/newest/filter/verified-buyers/lang/en` }), { perSecond: 60 });
});
