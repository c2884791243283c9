// An API gateway compiled from TypeScript: every request borrows an upstream connection, answers,
// and gives it back. A built-in client keeps it busy.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamPool } from './pool';

const pool = new UpstreamPool('inventory.internal:8080', 45_000);

const server = http.createServer((request, response) => {
  const connection = pool.checkout();
  response.on('close', () => pool.release(connection));
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ path: request.url, upstream: connection.id }));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let sent = 0;
  let inFlight = 0;
  setInterval(() => {
    if (inFlight >= 4) return;
    inFlight += 1;
    sent += 1;
    http.get({ host: '127.0.0.1', port, path: `/items/${sent}`, agent }, (response) => {
      response.resume();
      response.on('end', () => { inFlight -= 1; });
    }).on('error', () => { inFlight -= 1; });
  }, 25);
});
