'use strict';
// A document relay: each request is a short-lived connection that joins a room, sends one
// operation and leaves.
const { serve, driveTraffic } = require('../_shared/traffic');

function startService({ Peer }) {
  const room = new Map();
  let nextId = 0;
  const handler = (request, response) => {
    const peer = new Peer(`peer-${++nextId}`, room);
    room.set(peer.id, peer);
    response.on('close', () => peer.close());
    response.end(`joined ${peer.id}, ${room.size} online\n`);
  };
  serve(handler, (port) => driveTraffic(port, (n) => ({ path: `/join?doc=${n % 20}` }), { perSecond: 40 }));
}

module.exports = { startService };
