'use strict';
// A user-profile API: profiles are built by the loader and remembered by a small helper.
const { serve, driveTraffic } = require('../_shared/traffic');
const { loadUser } = require('./users');

const handler = (request, response) => {
  const user = loadUser(request.url.split('/')[2]);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ id: user.id, name: user.name }));
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/users/${n}` }), { perSecond: 60 }));
