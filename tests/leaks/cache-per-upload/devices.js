'use strict';
// Telemetry ingest: each device connection gets its own node-cache to drop duplicate message
// ids, and the session map forgets the connection when it ends. Leaky: node-cache re-arms a
// housekeeping setTimeout every checkperiod, and that timer keeps every cache (and the readings
// stored in it) alive after the session map dropped it; close() is never called.
const NodeCache = require('node-cache');

const sessions = new Map();

function openSession(deviceId) {
  const seen = new NodeCache({ stdTTL: 300, checkperiod: 120, useClones: false }); // LEAK: third-party
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
  sessions.delete(session.deviceId);
}

module.exports = { openSession, ingest, closeSession };
// GROWS IN: node-cache/lib/node_cache.js _checkData(startPeriod = true) {
