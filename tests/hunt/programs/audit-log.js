'use strict';
// An audit logger that keeps every entry in memory. The process runs with --expose-gc and collects
// every 200 ms, as a busy service near its memory limit would, so full GCs come often.
const auditTrail = [];

function audit(event) {
  auditTrail.push({ at: Date.now(), event, detail: `${event} by user ${event.length % 7}` }); // LEAK: collection
}

let requests = 0;
setInterval(() => {
  for (let i = 0; i < 200; i++) audit(`GET /orders/${requests++}`);
}, 20);
setInterval(() => global.gc(), 200);
