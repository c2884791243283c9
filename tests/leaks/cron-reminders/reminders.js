'use strict';
// One reminder task per account, stopped when the account is confirmed. node-cron 3.0.0 keeps
// every task it ever created in a process-wide list that stop() does not shrink.
const cron = require('node-cron');

function scheduleReminder(account) {
  const message = { account, lines: Array.from({ length: 200 }, (_, i) => `reminder ${account} ${i}`) };
  const task = cron.schedule('0 9 * * *', () => console.log(message.lines[0]), { scheduled: false }); // LEAK: third-party
  task.stop();
  return task;
}

module.exports = { scheduleReminder };
// GROWS IN: node-cron/src/storage.js global.scheduledTasks.push(task);
