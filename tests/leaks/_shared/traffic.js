'use strict';
// Every corpus service talks to itself: a loopback HTTP server and a client that keeps a bounded
// number of requests in flight at a steady rate, so the program runs until it is killed and its
// heap changes only through the code under test, never through an outside load generator.
const http = require('node:http');

/**
 * Starts `handler` on 127.0.0.1 with an OS-chosen port, then calls `onListening(port)`.
 */
function serve(handler, onListening) {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => onListening(server.address().port));
  return server;
}

/**
 * Sends `perSecond` requests a second to the server, never more than `maxInFlight` at once.
 * `nextRequest(n)` returns `{ path, method?, body? }` for the n-th request (n counts from 1).
 */
function driveTraffic(port, nextRequest, { perSecond = 50, maxInFlight = 8 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  let sent = 0;
  let inFlight = 0;

  function send() {
    if (inFlight >= maxInFlight) return;
    const { path, method = 'GET', body } = nextRequest(++sent);
    inFlight += 1;
    const request = http.request({ host: '127.0.0.1', port, path, method, agent }, (response) => {
      response.resume();
      response.on('end', () => { inFlight -= 1; });
    });
    request.on('error', () => { inFlight -= 1; });
    request.end(body);
  }

  const everyMs = 1000 / perSecond;
  const perTick = Math.max(1, Math.round(10 / everyMs));
  return setInterval(() => { for (let i = 0; i < perTick; i++) send(); }, Math.max(everyMs, 10));
}

/**
 * Collects a request body as one string. A request that ends without a body (the client's
 * socket was cut while the process sat paused in a heap snapshot) is answered 400 here, so
 * the service code only ever sees complete bodies.
 */
function readBody(request, onBody, response) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (body.length > 0) {
      onBody(body);
    } else if (response) {
      response.statusCode = 400;
      response.end('empty body\n');
    }
  });
}

module.exports = { serve, driveTraffic, readBody };
