'use strict';
// A geo lookup service with a large, stable heap: a 100k-place index built at start, a bounded
// ring of recent requests, and plenty of short-lived garbage per request. Nothing here leaks.
const { serve, driveTraffic } = require('../_shared/traffic');
const { buildIndex } = require('./geo-index');
const { RecentRequests } = require('./recent');

const index = buildIndex(100_000);
const recent = new RecentRequests(240);

const handler = (request, response) => {
  const startedAt = Date.now();
  const id = Number(request.url.split('/')[2]) % index.cells.length;
  const nearby = index.cells.slice(id, id + 200).filter((place) => place.tags[0] === index.byId.get(id).tags[0]);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ place: index.byId.get(id), nearby: nearby.length }));
  recent.record(request.url, Date.now() - startedAt);
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/places/${(n * 7919) % 100_000}` }), { perSecond: 60 }));
