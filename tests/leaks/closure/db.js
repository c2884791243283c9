'use strict';
// A stand-in for a database driver session: holds a prepared-statement cache and a row buffer,
// both sizeable, and must be closed.
let nextId = 0;

function openSession(user) {
  const statements = [];
  for (let i = 0; i < 120; i++) statements.push({ sql: `SELECT * FROM orders WHERE user = $1 AND shard = ${i}`, plan: [i, i * 2, i * 3] });
  return {
    id: ++nextId,
    user,
    statements,
    rows: new Array(600).fill(null).map((_, i) => ({ order: i, user })),
    closed: false,
    async close() { this.closed = true; },
  };
}

module.exports = { openSession };
