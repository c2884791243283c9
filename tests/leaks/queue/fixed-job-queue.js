'use strict';
// The job queue, fixed: a failing job is counted and skipped, and the worker always clears
// `draining` on the way out.

class JobQueue {
  constructor(handler) {
    this.handler = handler;
    this.pending = [];
    this.draining = false;
    this.sequence = 0;
    this.failures = 0;
  }

  enqueue(kind, body) {
    this.pending.push({ id: ++this.sequence, kind, payload: JSON.parse(body), enqueuedAt: Date.now() });
    this.drain();
    return this.sequence;
  }

  async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const job = this.pending.shift();
        try {
          await this.handler(job);
        } catch {
          this.failures += 1;
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

module.exports = { JobQueue };
