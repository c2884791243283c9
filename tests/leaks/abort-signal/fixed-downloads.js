'use strict';
// Downloads, fixed: the listener is registered with an AbortSignal of its own that is aborted
// when the download ends, which removes the listener from the shutdown signal.

function startDownload(shutdownSignal, fileName) {
  const download = { fileName, chunks: Array.from({ length: 120 }, (_, i) => `${fileName}:${i}:`.padEnd(96, '#')), cancelled: false };
  const done = new AbortController();
  shutdownSignal.addEventListener('abort', () => { download.cancelled = true; download.chunks.length = 0; }, { signal: done.signal });
  download.finish = () => done.abort();
  return download;
}

module.exports = { startDownload };
