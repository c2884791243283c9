'use strict';
// The audit trail, bounded: the oldest entries are dropped beyond 50.
const trail = (globalThis.__auditTrail ??= []);

function audit(request) {
  const entry = {
    at: new Date().toISOString(),
    url: request.url,
    headers: { ...request.headers },
    steps: Array.from({ length: 400 }, (_, i) => `${request.url}#${i}`),
  };
  trail.push(entry);
  if (trail.length > 50) trail.splice(0, trail.length - 50);
}

module.exports = { audit };
