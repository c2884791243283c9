'use strict';
// An order-tracking API whose requests are timed per route with the route-stats package.
const { serve, driveTraffic } = require('../_shared/traffic');
const { recordTiming } = require('./timing');

const handler = (request, response) => {
  const startedAt = Date.now();
  response.on('finish', () => recordTiming(request, response, startedAt));
  const orderId = request.url.split('/')[2];
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ orderId, state: 'shipped' }));
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/orders/${100000 + n}/status` }), { perSecond: 60 }));
