'use strict';
// Downloads that must stop when the server shuts down: each one listens on the process-wide
// shutdown signal. Leaky: the 'abort' listener is added per download and never removed, so the
// signal keeps every finished download's buffers.

function startDownload(shutdownSignal, fileName) {
  const download = { fileName, chunks: Array.from({ length: 120 }, (_, i) => `${fileName}:${i}:`.padEnd(96, '#')), cancelled: false };
  shutdownSignal.addEventListener('abort', () => { download.cancelled = true; download.chunks.length = 0; }); // LEAK: event-listener
  return download;
}

module.exports = { startDownload };
