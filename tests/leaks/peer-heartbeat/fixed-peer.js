'use strict';
// The relay's per-connection state, fixed: close() clears the keep-alive interval, so a closed
// peer is unreachable once its room forgets it.

class Peer {
  constructor(id, room) {
    this.id = id;
    this.room = room;
    this.replay = [];
    for (let i = 0; i < 200; i++) this.replay.push({ seq: i, op: `insert ${i} by ${id}` });
    this.lastPong = Date.now();
    this.closed = false;
    this.keepAlive = setInterval(() => this.ping(), 45_000);
  }

  ping() {
    if (this.closed) return;
    if (Date.now() - this.lastPong > 90_000) this.close();
  }

  close() {
    this.closed = true;
    clearInterval(this.keepAlive);
    this.room.delete(this.id);
  }
}

module.exports = { Peer };
