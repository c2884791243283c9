'use strict';
// A sign-up API that schedules a daily reminder per new account with node-cron.
const { serve, driveTraffic } = require('../_shared/traffic');
const { scheduleReminder } = require('./reminders');

const handler = (request, response) => {
  scheduleReminder(request.url.split('/')[2]);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ ok: true }));
};

serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/signup/${n}` }), { perSecond: 60 }));
