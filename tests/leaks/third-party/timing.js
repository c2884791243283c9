'use strict';
// Request timing middleware built on the route-stats package. Leaky: it labels each sample with
// the raw URL, which carries the order id, so the package creates one histogram per order.
const stats = require('route-stats');

function recordTiming(request, response, startedAt) {
  const elapsedMs = Date.now() - startedAt;
  const labels = { method: request.method, status: String(response.statusCode) };
  labels.route = request.url;
  stats.observe('http_request_duration_ms', labels, elapsedMs); // LEAK: third-party
}

module.exports = { recordTiming };
// GROWS IN: route-stats/index.js this.series.set(key, series);
