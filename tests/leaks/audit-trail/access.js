'use strict';
// Access checks for an admin API. Leaky twice over, from one caller: every issued session token
// is remembered in a Set that nothing prunes (a revocation check that was never finished), and
// every check is appended to an in-memory audit log that is never rotated or shipped anywhere.
const { createHmac, randomUUID } = require('node:crypto');

const SECRET = 'audit-trail-demo-secret';
const PERMISSIONS = ['reports:read', 'reports:export', 'reports:delete', 'users:read', 'users:write', 'users:invite',
  'billing:read', 'billing:refund', 'audit:read', 'settings:read', 'settings:write', 'keys:rotate'];
const issuedTokens = new Set();
const auditLog = [];

function base64url(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function issueToken(user, request) {
  const claims = { sub: user, jti: randomUUID(), iat: Date.now(), scope: PERMISSIONS, path: request.url, client: { ...request.headers } };
  const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

function recordAccess(user, request) {
  const token = issueToken(user, request);
  issuedTokens.add(token); // LEAK: collection
  const checks = PERMISSIONS.map((permission) => ({ permission, granted: !permission.endsWith(':delete'), reason: `role admin of ${user}` }));
  auditLog.push({ user, method: request.method, url: request.url, at: new Date().toISOString(), headers: { ...request.headers }, checks }); // LEAK: collection
  return token;
}

module.exports = { recordAccess };
