'use strict';
// Presence tracking, fixed: the returned disconnect function clears the heartbeat.
const { buildConnectionState } = require('./presence');

function trackPresence(user, directory) {
  const state = buildConnectionState(user);
  directory.set(user, Date.now());
  const heartbeat = setInterval(() => { state.lastSeen = Date.now(); directory.set(state.user, state.lastSeen); }, 60_000);
  return () => { state.online = false; clearInterval(heartbeat); };
}

module.exports = { trackPresence };
