'use strict';
// An Express inventory API with an audit middleware in front of every route.
const express = require('express');
const { driveTraffic } = require('../_shared/traffic');
const { audit } = require('./audit');

const app = express();
app.use(audit);
app.get('/stock/:sku', (request, response) => {
  response.json({ sku: request.params.sku, available: 7 });
});

const server = app.listen(0, '127.0.0.1', () => {
  driveTraffic(server.address().port, (n) => ({ path: `/stock/SKU-${n}` }), { perSecond: 60 });
});
