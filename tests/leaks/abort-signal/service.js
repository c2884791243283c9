'use strict';
// A file download endpoint that stops all transfers on shutdown.
const { setMaxListeners } = require('node:events');
const { serve, driveTraffic } = require('../_shared/traffic');

function startService({ startDownload }) {
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  process.once('SIGTERM', () => { shutdown.abort(); process.exit(0); });
  const handler = (request, response) => {
    const download = startDownload(shutdown.signal, request.url.slice(1));
    response.on('close', () => { if (download.finish) download.finish(); });
    response.end(`${download.chunks.length} chunks\n`);
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/file-${n}.bin` }), { perSecond: 40 }));
}

module.exports = { startService };
