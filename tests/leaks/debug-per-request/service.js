'use strict';
// An API gateway: every request passes each plugin's authorization check before the proxy
// answers it.
const { serve, driveTraffic } = require('../_shared/traffic');

const PLUGINS = ['oauth', 'quota', 'spike-arrest', 'cors', 'json-threat-protection', 'regex-protection', 'analytics', 'accesscontrol'];

function startService({ checkIfAuthorized }) {
  const handler = (request, response) => {
    const verdicts = PLUGINS.map((component) => checkIfAuthorized(component, request));
    const allowed = verdicts.every(Boolean);
    response.statusCode = allowed ? 200 : 401;
    response.end(allowed ? 'proxied\n' : 'denied\n');
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/v1/orders/${n}` }), { perSecond: 80 }));
}

module.exports = { startService };
