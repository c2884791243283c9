'use strict';
// Telemetry ingest, fixed: the per-connection cache is closed (its housekeeping timer cleared)
// when the session ends.
const NodeCache = require('node-cache');

const sessions = new Map();

function openSession(deviceId) {
  const seen = new NodeCache({ stdTTL: 300, checkperiod: 120, useClones: false });
  const session = { deviceId, seen, accepted: 0 };
  sessions.set(deviceId, session);
  return session;
}

function ingest(session, readings) {
  for (const reading of readings) {
    if (session.seen.has(reading.id)) continue;
    session.seen.set(reading.id, reading);
    session.accepted += 1;
  }
}

function closeSession(session) {
  session.seen.close();
  sessions.delete(session.deviceId);
}

module.exports = { openSession, ingest, closeSession };
