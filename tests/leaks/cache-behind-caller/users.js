'use strict';
// Profiles are cached by id. Leaky: ids never repeat and nothing is ever evicted.
const userCache = new Map();

function remember(id, profile) {
  userCache.set(id, profile); // LEAK: collection
}

function loadUser(id) {
  const cached = userCache.get(id);
  if (cached) return cached;
  const profile = {
    id,
    name: `user-${id}`,
    visits: Array.from({ length: 300 }, (_, i) => ({ page: `/p/${i}`, at: Date.now() })),
  };
  remember(id, profile);
  return profile;
}

module.exports = { loadUser };
