'use strict';
// A site whose template cache warms up over the first half second (the client walks through the
// 80 routes once at 160 requests a second), then only hits. Not a leak.
const { serve, driveTraffic } = require('../_shared/traffic');
const { templateFor } = require('./templates');

const ROUTES = 80;

const handler = (request, response) => {
  const template = templateFor(request.url);
  response.setHeader('content-type', 'text/html');
  response.end(`${template.parts.length} parts for ${template.route}`);
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/page/${n % ROUTES}` }), { perSecond: 160 }));
