'use strict';
// An in-process job queue with one worker. Leaky: when a job fails, `drain` leaves through the
// rejection without resetting `draining`, so the worker never runs again and every job enqueued
// afterwards stays in `pending` for good.

class JobQueue {
  constructor(handler) {
    this.handler = handler;
    this.pending = [];
    this.draining = false;
    this.sequence = 0;
    this.failures = 0;
  }

  enqueue(kind, body) {
    this.pending.push({ id: ++this.sequence, kind, payload: JSON.parse(body), enqueuedAt: Date.now() }); // LEAK: queue
    this.drain().catch(() => { this.failures += 1; });
    return this.sequence;
  }

  async drain() {
    if (this.draining) return;
    this.draining = true;
    while (this.pending.length > 0) {
      const job = this.pending.shift();
      await this.handler(job);
    }
    this.draining = false;
  }
}

module.exports = { JobQueue };
