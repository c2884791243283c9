'use strict';
// A small memoizer. Leaky: nothing ever leaves the cache, so a key space that never repeats
// (here: request payloads that carry a fresh request id) grows it without bound.

function memoize(fn, keyOf = (args) => args.join('\u0000')) {
  const cache = new Map();
  function memoized(...args) {
    const key = keyOf(args);
    const hit = cache.get(key);
    if (hit !== undefined) {
      hit.hits += 1;
      return hit.value;
    }
    const value = fn(...args);
    cache.set(key, { value, hits: 0, storedAt: Date.now() }); // LEAK: collection
    return value;
  }
  memoized.size = () => cache.size;
  return memoized;
}

module.exports = { memoize };
