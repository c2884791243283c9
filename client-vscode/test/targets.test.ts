import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  buildAttachItems,
  buildProcessItems,
  describeTarget,
  discoverInspectors,
  parseInspectorList,
  parseProcessList,
  proxyAddress,
  scriptOf,
} from '../src/logic/targets';
import { startInspectedNode, type InspectedNode } from './helpers';

describe('parseInspectorList', () => {
  it('keeps entries with a websocket URL', () => {
    const body = [
      { id: 'a1', title: 'app.js', url: 'file:///srv/app.js', type: 'node', webSocketDebuggerUrl: 'ws://127.0.0.1:9229/a1' },
      { id: 'b2', title: 'busy', type: 'node' },
      'garbage',
    ];
    const targets = parseInspectorList(body, '127.0.0.1', 9229);
    assert.deepEqual(targets.map((t) => t.webSocketDebuggerUrl), ['ws://127.0.0.1:9229/a1']);
    assert.equal(targets[0].title, 'app.js');
  });

  it('ignores answers that are not a list', () => {
    assert.deepEqual(parseInspectorList({ error: 'no' }, '127.0.0.1', 1), []);
    assert.deepEqual(parseInspectorList(undefined, '127.0.0.1', 1), []);
  });
});

describe('discoverInspectors against a real node --inspect process', () => {
  let node: InspectedNode;
  let closedPort: number;

  before(async () => {
    node = await startInspectedNode(['-e', 'setInterval(() => {}, 1000)']);
    closedPort = await freePort();
  });
  after(() => node.stop());

  it('finds the inspector on its port and skips the closed one', async () => {
    const found = await discoverInspectors('127.0.0.1', [closedPort, node.port]);
    assert.equal(found.length, 1);
    assert.equal(found[0].port, node.port);
    assert.equal(found[0].webSocketDebuggerUrl, node.wsUrl);
  });

  it('does not hang on a port where something else than an inspector listens', async () => {
    const server = net.createServer((socket) => socket.end('not http\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      assert.deepEqual(await discoverInspectors('127.0.0.1', [port], 300), []);
    } finally {
      server.close();
    }
  });
});

describe('parseProcessList', () => {
  const listed = {
    processes: [
      { pid: 812, commandLine: ['node', '/srv/app/server.js', '--port', '3000'], inspecting: false, inspectorPorts: [] },
      { pid: 813, commandLine: ['/usr/bin/node', '--inspect=127.0.0.1:9229', 'worker.js'], inspecting: true, inspectorPorts: [9229] },
      { pid: 'x', commandLine: [] },
      null,
      { pid: 814, commandLine: 'not a list', inspecting: 'yes', inspectorPorts: [1.5] },
    ],
  };

  it("reads the server's list, dropping entries without a pid", () => {
    assert.deepEqual(parseProcessList(listed), [
      { pid: 812, commandLine: ['node', '/srv/app/server.js', '--port', '3000'], inspecting: false, inspectorPorts: [] },
      { pid: 813, commandLine: ['/usr/bin/node', '--inspect=127.0.0.1:9229', 'worker.js'], inspecting: true, inspectorPorts: [9229] },
      { pid: 814, commandLine: [], inspecting: false, inspectorPorts: [] },
    ]);
    assert.deepEqual(parseProcessList(null), []);
    assert.deepEqual(parseProcessList({ processes: 'no' }), []);
  });

  it('names a process by its script', () => {
    assert.equal(scriptOf(['node', '--inspect', '/srv/app/server.js', '--port', '3000']), 'server.js');
    assert.equal(scriptOf(['C:\\node\\node.exe', 'C:\\app\\main.js']), 'main.js');
    assert.equal(scriptOf(['node']), 'node');
  });
});

describe('buildAttachItems', () => {
  it('puts debug sessions first, then inspectors, then the manual choices', () => {
    const items = buildAttachItems(
      [
        { id: 's1', name: 'Launch app.js', type: 'pwa-node' },
        { id: 's2', name: 'Chrome', type: 'pwa-chrome' },
      ],
      [{ host: '127.0.0.1', port: 9229, id: 'a', title: '/srv/app.js', url: 'file:///srv/app.js', webSocketDebuggerUrl: 'ws://127.0.0.1:9229/a' }],
    );
    const rows = items.filter((item) => !item.separator);
    assert.deepEqual(
      rows.map((item) => item.action),
      [
        { kind: 'debug-session', sessionId: 's1' },
        { kind: 'target', target: 'ws://127.0.0.1:9229/a' },
        { kind: 'enter-address' },
        { kind: 'pick-process' },
      ],
    );
    assert.match(rows[0].label, /Launch app\.js/);
    assert.match(rows[1].label, /app\.js/);
    assert.equal(rows[1].description, '127.0.0.1:9229');
    assert.deepEqual(
      items.filter((item) => item.separator).map((item) => item.label),
      ['Debug sessions', 'Inspectors on this machine', 'Other'],
    );
  });

  it('offers only the manual choices when nothing was found', () => {
    const items = buildAttachItems([], []);
    assert.deepEqual(
      items.filter((item) => !item.separator).map((item) => item.label),
      ['$(edit) Enter address…', '$(list-selection) Pick a Node process…'],
    );
  });
});

describe('buildProcessItems', () => {
  it('attaches by pid when no inspector answers, by its port when one does', () => {
    const [byPid, byPort] = buildProcessItems([
      { pid: 812, commandLine: ['node', '/srv/app/server.js'], inspecting: true, inspectorPorts: [] },
      { pid: 813, commandLine: ['node', '--inspect=0', 'worker.js'], inspecting: true, inspectorPorts: [40123] },
    ]);
    assert.equal(byPid.label, 'server.js');
    assert.equal(byPid.description, 'pid 812 · inspector on');
    assert.equal(byPid.detail, 'node /srv/app/server.js');
    assert.deepEqual(byPid.action, { kind: 'target', target: '812' });
    assert.equal(byPort.description, 'pid 813 · inspector on 127.0.0.1:40123');
    assert.deepEqual(byPort.action, { kind: 'target', target: '127.0.0.1:40123' });
  });
});

describe('proxyAddress', () => {
  it("writes js-debug's proxy answer as a js-debug:// address", () => {
    assert.equal(proxyAddress({ host: '127.0.0.1', port: 53111, path: '/abc' }), 'js-debug://127.0.0.1:53111/abc');
    assert.equal(proxyAddress({ host: '::1', port: 53111 }), 'js-debug://[::1]:53111');
  });
});

describe('describeTarget', () => {
  it('shortens targets for the status bar', () => {
    assert.equal(describeTarget('js-debug://127.0.0.1:53111/abc'), 'the debug session');
    assert.equal(describeTarget('ws://127.0.0.1:9229/0f2c-11'), 'ws://127.0.0.1:9229');
    assert.equal(describeTarget('{"host":"127.0.0.1","port":1}'), 'the debug session');
    assert.equal(describeTarget('127.0.0.1:9229'), '127.0.0.1:9229');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

