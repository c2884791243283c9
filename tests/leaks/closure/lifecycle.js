'use strict';
// Graceful shutdown: resources register a hook that closes them when the process stops.
// Leaky: every registration wraps the previous hook in a new closure, so the chain holds every
// session ever opened, even long after its request is over.
let runShutdownHooks = async () => {};

function onShutdown(resource) {
  const previous = runShutdownHooks;
  runShutdownHooks = async () => { await resource.close(); await previous(); }; // LEAK: closure
}

function shutdown() {
  return runShutdownHooks();
}

module.exports = { onShutdown, shutdown };
