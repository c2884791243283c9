'use strict';
// Gateway authorization plugin, after a gateway that created its debug logger inside the
// per-request check. With debug 4.1.x every createDebug() call is remembered in the package's
// own instances list (so enable()/disable() can reach it later), and nothing ever removes it.
const createDebug = require('debug');

function checkIfAuthorized(component, request) {
  const debug = createDebug(`gateway:plugin:${component}`); // LEAK: third-party
  const token = request.headers.authorization || '';
  debug('checking %s for %s', request.url, component);
  return token.startsWith('Bearer ') && token.length > 20;
}

module.exports = { checkIfAuthorized };
// GROWS IN: debug/src/common.js createDebug.instances.push(debug);
