'use strict';
// The catalogue the API serves: a fixed, modest product list.
const PRODUCTS = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Product ${i}`, price: 5 + (i % 50) }));

function findProduct(id) {
  return PRODUCTS[id % PRODUCTS.length];
}

module.exports = { findProduct };
