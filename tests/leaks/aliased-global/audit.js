'use strict';
// The audit trail lives on globalThis so every module shares it; this module keeps a local alias.
// Leaky: nothing ever trims it. A comment naming trail.push(x) or a string 'trail.push(x)' is not code.
const trail = (globalThis.__auditTrail ??= []);

function audit(request) {
  const entry = {
    at: new Date().toISOString(),
    url: request.url,
    note: 'trail.push(entry) // not code',
    headers: { ...request.headers },
    steps: Array.from({ length: 400 }, (_, i) => `${request.url}#${i}`),
  };
  trail.push(entry); // LEAK: global
}

module.exports = { audit };
