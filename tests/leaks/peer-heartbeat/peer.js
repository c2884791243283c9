'use strict';
// A relay's per-connection state, after the ping/pong keep-alive of collaborative-editing
// servers: every Peer starts a keep-alive interval in its constructor whose callback uses the
// peer itself. Leaky: close() marks the peer closed but never clears the interval, so the
// timer list keeps every peer that ever connected, with its replay buffer.

class Peer {
  constructor(id, room) {
    this.id = id;
    this.room = room;
    this.replay = [];
    for (let i = 0; i < 200; i++) this.replay.push({ seq: i, op: `insert ${i} by ${id}` });
    this.lastPong = Date.now();
    this.closed = false;
    this.keepAlive = setInterval(() => this.ping(), 45_000); // LEAK: timer
  }

  ping() {
    if (this.closed) return;
    if (Date.now() - this.lastPong > 90_000) this.close();
  }

  close() {
    this.closed = true;
    this.room.delete(this.id);
  }
}

module.exports = { Peer };
