'use strict';
// A large in-memory index built once at start-up and only read afterwards: big, but not growing.

function buildIndex(size) {
  const byId = new Map();
  const cells = [];
  for (let i = 0; i < size; i++) {
    const place = { id: i, name: `place-${i}`, lat: (i % 1800) / 10 - 90, lon: (i % 3600) / 10 - 180, tags: [`t${i % 17}`, `t${i % 31}`] };
    byId.set(i, place);
    cells.push(place);
  }
  return { byId, cells };
}

module.exports = { buildIndex };
