// A storefront written as ES modules: renders pages, flips a flag now and then, drives itself.
import { createRequire } from 'node:module';
import { flipRandomFlag } from './feature-flags.mjs';
import { renderPage } from './render.mjs';

const require = createRequire(import.meta.url);
const { serve, driveTraffic } = require('../_shared/traffic.js');

setInterval(flipRandomFlag, 500);
serve((request, response) => {
  response.setHeader('content-type', 'text/html');
  response.end(renderPage(request.url));
}, (port) => driveTraffic(port, (n) => ({ path: `/shop/category/${n % 40}` }), { perSecond: 40 }));
