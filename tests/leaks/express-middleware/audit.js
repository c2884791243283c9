'use strict';
// Request auditing for Express. Leaky: the module-level log is appended to on every request and
// never trimmed ("the nightly export will clear it", which was never written).
const requestLog = [];

function audit(request, response, next) {
  requestLog.push({ at: Date.now(), method: request.method, url: request.originalUrl, headers: { ...request.headers }, trace: Array.from({ length: 1500 }, (_, i) => i) }); // LEAK: collection
  next();
}

module.exports = { audit, requestLog };
