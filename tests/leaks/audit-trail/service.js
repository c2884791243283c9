'use strict';
// An admin API: every request is checked and audited, then answered with a fresh token.
const { serve, driveTraffic } = require('../_shared/traffic');
const { recordAccess } = require('./access');

let served = 0;
const handler = (request, response) => {
  const user = `admin${served % 12}`;
  served += 1;
  const token = recordAccess(user, request);
  response.end(JSON.stringify({ user, token: token.slice(0, 16) }));
};
serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/admin/reports/${n}?page=${n % 7}` }), { perSecond: 120 }));
