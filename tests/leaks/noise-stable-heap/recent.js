'use strict';
// The last N requests, for a status page: a fixed-size ring, so old entries are overwritten and
// new objects keep appearing while the total stays the same. The ring starts full of blank
// entries so that its size is the same from the first request on.

class RecentRequests {
  constructor(capacity) {
    this.slots = Array.from({ length: capacity }, () => ({ url: '', ms: 0, at: 0, detail: new Array(40).fill(0) }));
    this.next = 0;
  }

  record(url, ms) {
    this.slots[this.next] = { url, ms, at: Date.now(), detail: Array.from({ length: 40 }, (_, i) => i * ms) };
    this.next = (this.next + 1) % this.slots.length;
  }
}

module.exports = { RecentRequests };
