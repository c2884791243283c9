'use strict';
// Profiles memoized with mem's maxAge. mem before 4.0.0 never removes an entry once its maxAge
// has passed (GHSA-4xcv-9jjx-gfj3), so every id ever seen stays in mem's cache.
const mem = require('mem');

function buildProfile(id) {
  return { id, tier: Number(id) % 3, history: new Array(3000).fill(id) };
}

const cachedProfile = mem(buildProfile, { maxAge: 1000 });

function profileFor(id) {
  const profile = cachedProfile(id); // LEAK: third-party
  return profile;
}

module.exports = { profileFor };
// GROWS IN: mem/index.js cache.set(key, {
