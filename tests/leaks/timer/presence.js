'use strict';
// Presence tracking for a chat service: every connection gets a heartbeat that marks the user
// as seen. Leaky: the heartbeat interval is never cleared when the connection ends, so each
// finished connection leaves a live timer behind that keeps its whole connection state.

function buildConnectionState(user) {
  const history = [];
  for (let i = 0; i < 300; i++) history.push({ seq: i, text: `message ${i} from ${user}` });
  return { user, history, lastSeen: Date.now(), online: true };
}

function trackPresence(user, directory) {
  const state = buildConnectionState(user);
  directory.set(user, Date.now());
  setInterval(() => { state.lastSeen = Date.now(); directory.set(state.user, state.lastSeen); }, 60_000); // LEAK: timer
  return () => { state.online = false; };
}

module.exports = { buildConnectionState, trackPresence };
