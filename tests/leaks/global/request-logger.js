'use strict';
// A per-request access logger. Leaky: entries go to an array on the global object "so the
// admin console can read them", and nothing ever trims it.
global.requestLog = global.requestLog || [];

function logRequest(request, response, startedAt) {
  const finishedAt = Date.now();
  const entry = {
    at: new Date(finishedAt).toISOString(),
    method: request.method,
    url: request.url,
    status: response.statusCode,
    ms: finishedAt - startedAt,
    headers: { ...request.headers },
    breadcrumbs: request.url.split('/').flatMap((part, depth) => [`enter ${depth}:${part}`, `leave ${depth}:${part}`]),
    timings: Array.from({ length: 800 }, (_, i) => startedAt + i),
  };
  global.requestLog.push(entry); // LEAK: global
}

module.exports = { logRequest };
