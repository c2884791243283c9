'use strict';
// A small memoizer, fixed: least-recently-used entries are evicted beyond `limit`.

function memoize(fn, keyOf = (args) => args.join('\u0000'), limit = 32) {
  const cache = new Map();
  function memoized(...args) {
    const key = keyOf(args);
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit.value;
    }
    const value = fn(...args);
    cache.set(key, { value, storedAt: Date.now() });
    if (cache.size > limit) cache.delete(cache.keys().next().value);
    return value;
  }
  memoized.size = () => cache.size;
  return memoized;
}

module.exports = { memoize };
