'use strict';
/*
 * Build a heap that looks like a busy Node service and write it with v8.writeHeapSnapshot.
 *
 *   node --max-old-space-size=16000 bench/make_heap.js OUT.heapsnapshot TARGET_MB
 *
 * The benchmark needs snapshot *files* of a given size, and bytes per object depend on
 * the Node version, so the script calibrates itself: it writes one small snapshot of
 * the bare process and one after a known number of "units", and from the slope works
 * out how many more units reach TARGET_MB. A unit is one order with its customer, line
 * items, tags, metadata, a closure over a per-request context, an EventEmitter
 * listener, and a few kinds of strings, so the graph has the shapes (wide arrays,
 * Maps/Sets, contexts, deep chains, shared objects) real leak hunts walk through.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const EventEmitter = require('events');

const [out, targetText] = process.argv.slice(2);
const targetMb = Number(targetText);
if (!out || !(targetMb > 0)) {
  console.error('usage: node make_heap.js OUT.heapsnapshot TARGET_MB');
  process.exit(2);
}

class Customer {
  constructor(id) {
    this.id = id;
    this.name = `customer-${id}`;
    this.email = `user${id}@example${id % 97}.com`;
    this.address = { street: `${id % 1000} Main St`, city: CITIES[id % CITIES.length], zip: 10000 + (id % 90000) };
    this.orders = [];
  }
}

class LineItem {
  constructor(sku, quantity, price) {
    this.sku = sku;
    this.quantity = quantity;
    this.price = price; // a heap number: prices have fractions
  }
}

class Order {
  constructor(id, customer) {
    this.id = id;
    this.customer = customer;
    this.createdAt = new Date(1700000000000 + id * 1000);
    this.items = [];
    this.tags = new Set();
    this.metadata = new Map();
    this.status = STATUSES[id % STATUSES.length];
    this.previous = null;
  }
}

class TreeNode {
  constructor(depth, label) {
    this.label = label;
    this.children = depth > 0 ? [new TreeNode(depth - 1, label + 'a'), new TreeNode(depth - 1, label + 'b')] : [];
  }
}

const CITIES = ['Lisbon', 'Oslo', 'Quito', 'Nairobi', 'Osaka', 'Denver', 'Tallinn', 'Perth'];
const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'returned'];
const SKUS = Array.from({ length: 5000 }, (_, i) => `SKU-${i.toString(36).toUpperCase()}`);
const LOREM = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt';

// Everything stays reachable from here, as in a leaking service.
const world = {
  customers: [],
  orders: [],
  byId: new Map(),
  recent: new Set(),
  emitters: [],
  handlers: [],
  trees: [],
  buffers: [],
  log: [],
};
globalThis.benchWorld = world;

let units = 0;
let customer = null;
let emitter = null;
let lastOrder = null;

function makeHandler(order, requestId) {
  // A closure with its own context: it captures `order`, `started` and `seen`.
  const started = Date.now();
  const seen = { count: 0, requestId };
  return function onUpdate(event) {
    seen.count++;
    return order.id + event.length + started;
  };
}

function addUnit() {
  const i = units++;
  if (i % 8 === 0) {
    customer = new Customer(i >> 3);
    world.customers.push(customer);
  }
  if (i % 200 === 0) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    world.emitters.push(emitter);
  }
  const order = new Order(i, customer);
  order.previous = lastOrder;
  lastOrder = order;
  const itemCount = 2 + (i % 5);
  for (let k = 0; k < itemCount; k++) {
    order.items.push(new LineItem(SKUS[(i * 7 + k) % SKUS.length], 1 + (k % 3), (i % 1000) / 7 + k + 0.25));
  }
  order.tags.add(order.status);
  order.tags.add(`tag-${i % 311}`);
  order.metadata.set('requestId', `req-${i.toString(16)}-${(i * 2654435761) % 4294967296}`);
  order.metadata.set('note', LOREM.slice(i % 40, 40 + (i % 40)) + ' #' + i);
  customer.orders.push(order);
  world.orders.push(order);
  world.byId.set(order.id, order);
  if (i % 3 === 0) world.recent.add(order);
  const handler = makeHandler(order, `r${i}`);
  emitter.on('update', handler);
  if (i % 4 === 0) world.handlers.push(handler);
  if (i % 50 === 0) world.trees.push(new TreeNode(5, `t${i}`));
  if (i % 100 === 0) world.buffers.push(new Float64Array(64).fill(i));
  if (i % 5 === 0) world.log.push({ at: i, line: `GET /api/orders/${i}?expand=items 200 ${i % 977}ms` });
}

function snapshotSize(file) {
  v8.writeHeapSnapshot(file);
  const size = fs.statSync(file).size;
  fs.unlinkSync(file);
  return size;
}

const scratch = path.join(os.tmpdir(), `heapscope-calibrate-${process.pid}.heapsnapshot`);
const base = snapshotSize(scratch);
const probeUnits = 4000;
for (let k = 0; k < probeUnits; k++) addUnit();
const probed = snapshotSize(scratch);
const bytesPerUnit = (probed - base) / probeUnits;
const wanted = Math.max(0, Math.round((targetMb * 1024 * 1024 - probed) / bytesPerUnit));
for (let k = 0; k < wanted; k++) addUnit();

const temporary = out + '.tmp';
v8.writeHeapSnapshot(temporary);
fs.renameSync(temporary, out);
const size = fs.statSync(out).size;
console.log(JSON.stringify({ file: out, bytes: size, units, bytesPerUnit: Math.round(bytesPerUnit) }));
