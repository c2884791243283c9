'use strict';
// An orders API: each request opens a database session, answers, and closes the session.
const { serve, driveTraffic } = require('../_shared/traffic');
const { openSession } = require('./db');

function startService({ onShutdown, shutdown }) {
  const handler = (request, response) => {
    const user = new URL(request.url, 'http://local').searchParams.get('user') || 'anonymous';
    const session = openSession(user);
    const unregister = onShutdown(session);
    response.on('close', () => { session.close(); if (typeof unregister === 'function') unregister(); });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ user, orders: session.rows.length }));
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/orders?user=u${n % 97}` }), { perSecond: 30 }));
  process.once('SIGTERM', () => shutdown().then(() => process.exit(0)));
}

module.exports = { startService };
