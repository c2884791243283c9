'use strict';
// Builds the order payloads the client posts: a few hundred line items and a unique request id.

function orderPayload(n) {
  const items = [];
  for (let i = 0; i < 150; i++) items.push({ sku: `SKU-${(n * 31 + i) % 5000}`, qty: 1 + (i % 4), price: 9.99 + i });
  return JSON.stringify({ requestId: `req-${n}-${Date.now()}`, customer: `c${n % 300}`, items });
}

module.exports = { orderPayload };
