'use strict';
// A catalogue API that keeps an audit trail "for the admin page" on the global object.
const { serve, driveTraffic } = require('../_shared/traffic');
const { audit } = require('./audit');

const handler = (request, response) => {
  audit(request);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ item: request.url.split('/')[2], price: 12.5 }));
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/items/${n}` }), { perSecond: 60 }));
