'use strict';
// The forked job runner: answers the supervisor's messages and keeps nothing.
process.on('message', (message) => {
  process.send({ done: message.at });
});
