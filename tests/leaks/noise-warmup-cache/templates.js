'use strict';
// Compiled page templates, cached per route. There are only 80 routes, so the cache fills while
// the first few thousand requests warm it up and then never grows again.

const compiled = new Map();

function compile(route) {
  return { route, parts: Array.from({ length: 450 }, (_, i) => `<div data-route="${route}" data-slot="${i}">`) };
}

function templateFor(route) {
  let template = compiled.get(route);
  if (template === undefined) {
    template = compile(route);
    compiled.set(route, template);
  }
  return template;
}

module.exports = { templateFor, cachedRoutes: () => compiled.size };
