'use strict';
// Gateway authorization plugin, fixed: one debug logger per component, created once and reused.
const createDebug = require('debug');

const loggers = new Map();

function loggerFor(component) {
  let debug = loggers.get(component);
  if (debug === undefined) {
    debug = createDebug(`gateway:plugin:${component}`);
    loggers.set(component, debug);
  }
  return debug;
}

function checkIfAuthorized(component, request) {
  const debug = loggerFor(component);
  const token = request.headers.authorization || '';
  debug('checking %s for %s', request.url, component);
  return token.startsWith('Bearer ') && token.length > 20;
}

module.exports = { checkIfAuthorized };
