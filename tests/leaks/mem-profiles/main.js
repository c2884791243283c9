'use strict';
// A profile API memoizing its (slow) profile builder with mem, meant to keep entries for 1 s.
const { serve, driveTraffic } = require('../_shared/traffic');
const { profileFor } = require('./profiles');

const handler = (request, response) => {
  const profile = profileFor(request.url.split('/')[2]);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ id: profile.id, tier: profile.tier }));
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/profiles/${n}` }), { perSecond: 60 }));
