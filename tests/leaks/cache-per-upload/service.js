'use strict';
// A device gateway: each request is one device connection posting a batch of readings.
const { serve, driveTraffic, readBody } = require('../_shared/traffic');

function readingsPayload(n) {
  const readings = [];
  for (let i = 0; i < 120; i++) readings.push({ id: `m-${n}-${i % 100}`, sensor: `s${i % 8}`, value: (n * i) % 997 });
  return JSON.stringify({ device: `dev-${n}`, readings });
}

function startService({ openSession, ingest, closeSession }) {
  const handler = (request, response) => {
    readBody(request, (body) => {
      const { device, readings } = JSON.parse(body);
      const session = openSession(device);
      ingest(session, readings);
      closeSession(session);
      response.end(`accepted ${session.accepted}\n`);
    }, response);
  };
  serve(handler, (port) => {
    driveTraffic(port, (n) => ({ path: '/ingest', method: 'POST', body: readingsPayload(n) }), { perSecond: 40 });
  });
}

module.exports = { startService };
