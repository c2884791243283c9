'use strict';
// Graceful shutdown, fixed: hooks live in a set and a resource takes its hook out when it closes
// on its own, so finished sessions can be collected.
const hooks = new Set();

function onShutdown(resource) {
  const hook = () => resource.close();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

async function shutdown() {
  for (const hook of hooks) await hook();
}

module.exports = { onShutdown, shutdown };
