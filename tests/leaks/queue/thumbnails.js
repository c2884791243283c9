'use strict';
// The job handler: "renders" a thumbnail. Images without a width are rejected, as a real
// image library would.

function renderThumbnail(job) {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      if (!job.payload.width) return reject(new Error(`job ${job.id}: image has no width`));
      let checksum = 0;
      for (const pixel of job.payload.pixels) checksum = (checksum + pixel) % 65521;
      resolve(checksum);
    });
  });
}

module.exports = { renderThumbnail };
