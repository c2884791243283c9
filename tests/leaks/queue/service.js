'use strict';
// An upload API: each POST enqueues a thumbnail job and answers 202 at once. One upload in a
// hundred is an image without a width.
const { serve, driveTraffic, readBody } = require('../_shared/traffic');
const { renderThumbnail } = require('./thumbnails');

function upload(n) {
  const pixels = Array.from({ length: 1500 }, (_, i) => (n * 17 + i) % 256);
  return JSON.stringify({ name: `photo-${n}.jpg`, width: n % 100 === 7 ? 0 : 640, height: 480, pixels });
}

function startService({ JobQueue }) {
  const queue = new JobQueue(renderThumbnail);
  const handler = (request, response) => {
    readBody(request, (body) => {
      const id = queue.enqueue('thumbnail', body);
      response.statusCode = 202;
      response.end(JSON.stringify({ id }));
    }, response);
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: '/upload', method: 'POST', body: upload(n) }), { perSecond: 50 }));
}

module.exports = { startService };
