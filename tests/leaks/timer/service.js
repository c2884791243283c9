'use strict';
// A chat presence endpoint: each request is a short-lived connection of one of 50 users.
const { serve, driveTraffic } = require('../_shared/traffic');

function startService({ trackPresence }) {
  const lastSeenByUser = new Map();
  const handler = (request, response) => {
    const user = new URL(request.url, 'http://local').searchParams.get('user') || 'guest';
    const disconnect = trackPresence(user, lastSeenByUser);
    response.on('close', disconnect);
    response.end(`ok ${user}\n`);
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/connect?user=user${n % 50}` }), { perSecond: 40 }));
}

module.exports = { startService };
