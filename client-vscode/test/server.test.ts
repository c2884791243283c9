/**
 * The closest real thing to the extension in VS Code without VS Code: the real language
 * server (`python -m heapscope serve` over stdio) driven with the JSON-RPC library the
 * extension uses, sending what the extension sends — the `heapscope` settings section as
 * VS Code stores it, the attach target chosen through the same discovery and quick-pick building, the
 * report read into the same findings tree — against the leaky example program.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { checkAddress } from '../src/logic/address';
import { buildFindingsTree, growthText, parseReport, useKindWords, type LeakReport } from '../src/logic/findings';
import { resolveServerCommand } from '../src/logic/interpreter';
import { parseSample, statusText } from '../src/logic/memory';
import { positiveSeconds } from '../src/logic/settings';
import { snapshotStatus, type SnapshotEntry } from '../src/logic/snapshots';
import { buildAttachItems, buildProcessItems, discoverInspectors, parseProcessList } from '../src/logic/targets';
import { findPython, NO_PYTHON, startInspectedNode, type InspectedNode } from './helpers';

const CLIENT = path.resolve(__dirname, '..', '..');
/** The user guide's listener leak, sped up (see the file); the source dir, since tsc does not copy it. */
const FIXTURE = path.join(CLIENT, 'test', 'fixtures', 'listener-leak.js');

const PYTHON = findPython();
const SKIP = PYTHON ? false : NO_PYTHON;

/** The settings a user would have in VS Code, nested the way getConfiguration('heapscope') gives them. */
const USER_SETTINGS = {
  python: PYTHON,
  snapshotDir: 'snaps',
  findLeaks: { interval: 1.5 },
  monitor: { interval: 0.2 },
  allowRemoteHosts: false,
  maxSnapshots: 10,
  diagnostics: { minimumSeverity: 'information' },
  autoAttach: 'ask',
  trace: { server: 'off' },
};

interface Recorded {
  diagnostics: Map<string, Array<{ range: { start: { line: number } }; code?: string; source?: string; message: string }>>;
  messages: Array<{ type: number; message: string }>;
  notifications: Map<string, unknown[]>;
  shownDocuments: Array<{ uri: string; selection?: { start: { line: number } } }>;
  progress: unknown[];
}

async function waitFor<T>(what: string, condition: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs; // guards against a hang; not a timing assertion
  for (;;) {
    const value = condition();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the extension talking to the real language server', { skip: SKIP }, () => {
  let workspace: string;
  let program: string;
  let leakLine: number;
  let node: InspectedNode;
  let server: ChildProcess;
  let connection: MessageConnection;
  let serverStderr = '';
  const recorded: Recorded = { diagnostics: new Map(), messages: [], notifications: new Map(), shownDocuments: [], progress: [] };

  /** Rejects, naming the exit status and the server's stderr, once the server process is gone. */
  let serverGone: Promise<never>;
  /** A request that fails with the server's own words when it died, instead of waiting forever. */
  const request = (method: string, params?: unknown): Promise<unknown> =>
    Promise.race([connection.sendRequest(method, params), serverGone]);
  const execute = (command: string, args?: Record<string, unknown>): Promise<unknown> =>
    request('workspace/executeCommand', { command, arguments: args ? [args] : [] });
  const notified = (method: string): unknown[] => recorded.notifications.get(method) ?? [];
  const errors = (): string[] => recorded.messages.filter((m) => m.type === 1).map((m) => m.message);

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-client-'));
    program = path.join(workspace, 'listener-leak.js');
    fs.copyFileSync(FIXTURE, program);
    leakLine = fs.readFileSync(program, 'utf8').split('\n').findIndex((line) => line.includes('// LEAK LINE')) + 1;
    assert.ok(leakLine > 0, 'the fixture marks its leak line');
    node = await startInspectedNode([program], workspace);

    const command = resolveServerCommand({ setting: USER_SETTINGS.python, workspaceFolder: workspace });
    server = spawn(command.command, command.args, { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => (serverStderr += chunk.toString('utf8')));
    serverGone = new Promise<never>((_, reject) => {
      server.once('error', (error) => reject(new Error(`the language server did not start (${command.command}): ${error.message}`)));
      server.once('exit', (code, signal) =>
        reject(new Error(`the language server exited (${signal ?? `status ${code}`}); its stderr:\n${serverStderr.trim()}`)),
      );
    });
    serverGone.catch(() => undefined); // a server that exits after the last request is no failure
    connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section === 'heapscope' ? USER_SETTINGS : null)),
    );
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('window/showDocument', (params: Recorded['shownDocuments'][number]) => {
      recorded.shownDocuments.push(params);
      return { success: true };
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: [] }) => {
      recorded.diagnostics.set(params.uri, params.diagnostics);
    });
    connection.onNotification('window/showMessage', (params: Recorded['messages'][number]) => recorded.messages.push(params));
    connection.onNotification('window/logMessage', () => undefined);
    connection.onNotification('$/progress', (params: unknown) => recorded.progress.push(params));
    for (const method of ['heapscope/memory', 'heapscope/findings', 'heapscope/status']) {
      connection.onNotification(method, (params: unknown) => recorded.notifications.set(method, [...notified(method), params]));
    }
    connection.listen();
    const rootUri = pathToFileURL(workspace).href;
    const initialized = (await request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(workspace) }],
      initializationOptions: { heapscope: USER_SETTINGS },
      capabilities: {
        workspace: { configuration: true, executeCommand: {}, codeLens: { refreshSupport: true } },
        window: { workDoneProgress: true, showDocument: { support: true }, showMessage: {} },
        textDocument: { publishDiagnostics: { relatedInformation: true }, codeLens: {}, hover: { contentFormat: ['markdown'] } },
      },
    })) as { capabilities: { experimental?: { heapscope?: { kinds?: unknown } } } };
    // As the extension does after start: the Leaks view names kinds with the server's words.
    useKindWords(initialized.capabilities.experimental?.heapscope?.kinds);
    await connection.sendNotification('initialized', {});
    // A guard against a server that neither answers nor exits; not a timing assertion.
  }, { timeout: 120_000 });

  after(async () => {
    try {
      await Promise.race([connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      await connection.sendNotification('exit');
    } catch {
      // the server is gone already
    }
    connection?.dispose();
    server?.kill();
    node?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  let report: LeakReport;
  /** The snapshot Take Heap Snapshot saved, opened again by Open Snapshot. */
  let saved: string;

  it('attaches to the inspector the attach picker finds', async () => {
    const inspectors = await discoverInspectors('127.0.0.1', [node.port]);
    const item = buildAttachItems([], inspectors).find((row) => row.action?.kind === 'target');
    assert.ok(item?.action?.kind === 'target', 'the discovered inspector is offered');
    const attached = (await execute('heapscope.attach', { target: item.action.target })) as { attached?: boolean } | null;
    assert.equal(attached?.attached, true, `attach failed: ${errors().join(' / ')} ${serverStderr}`);
    const status = await waitFor('status', () => notified('heapscope/status').at(-1) as { attached: boolean; description?: string } | undefined);
    assert.equal(status.attached, true);
    // The one confirmation names the program, never the inspector's address.
    const described = `listener-leak.js (process ${node.process.pid})`;
    assert.equal(status.description, described);
    const confirmations = recorded.messages.filter((m) => m.message.startsWith('Heapscope attached'));
    assert.deepEqual(confirmations.map((m) => m.message), [`Heapscope attached to ${described}.`]);
    await execute('heapscope.detach');
  });

  it('"Pick a Node process" lists the program through the server and attaches by its inspector port', async () => {
    const listed = await execute('heapscope.listTargets', { exclude: [process.pid, process.ppid] });
    const item = buildProcessItems(parseProcessList(listed)).find((row) => row.description?.startsWith(`pid ${node.process.pid} `));
    assert.ok(item, `the program is listed: ${JSON.stringify(listed).slice(0, 2000)}`);
    assert.equal(item.label, 'listener-leak.js');
    assert.deepEqual(item.action, { kind: 'target', target: `127.0.0.1:${node.port}` });
    assert.ok(item.action?.kind === 'target');
    const before = recorded.messages.length;
    // Asked first (a debug session offer): no second notification for the attach itself.
    const attached = (await execute('heapscope.attach', { target: item.action.target, announce: false })) as { attached?: boolean } | null;
    assert.equal(attached?.attached, true, errors().join(' / '));
    assert.deepEqual(recorded.messages.slice(before), []);
  });

  it('Find Leaks reports the listener leak at its line, in the findings tree the extension shows', async () => {
    const interval = positiveSeconds(USER_SETTINGS.findLeaks.interval);
    const raw = await execute('heapscope.findLeaks', { interval });
    assert.ok(raw, `findLeaks failed: ${errors().join(' / ')}`);
    report = parseReport(raw)!;
    const leak = report.findings.find((finding) => finding.kind === 'event-listener');
    assert.ok(leak, `no event-listener finding in ${JSON.stringify(raw).slice(0, 3000)}`);
    assert.equal(leak.location?.path, program);
    assert.equal(leak.location?.line, leakLine);

    const row = buildFindingsTree(report, workspace).find((candidate) => candidate.findingId === leak.id)!;
    assert.equal(row.label, `listener-leak.js:${leakLine}`);
    assert.equal(row.description, growthText(leak));
    assert.match(growthText(leak), /^[\d,]+ listeners \(\+[\d,]+\) · [\d.]+ [kM]B retained \(\+[\d.]+ [kM]B\)$/);
    assert.match(row.tooltip ?? '', /^Event listeners: /);
    assert.deepEqual(row.location, leak.location);

    assert.equal(report.snapshots.length, 3);
    const pushed = await waitFor('heapscope/findings', () => notified('heapscope/findings').at(-1) as { report: unknown } | undefined);
    assert.deepEqual(parseReport(pushed.report)?.findings.map((f) => f.id), report.findings.map((f) => f.id));
    assert.ok(recorded.progress.length > 0, 'long steps report progress');
  });

  it('publishes the diagnostic on the leak line (what the Problems panel lists)', async () => {
    const uri = pathToFileURL(program).href;
    const diagnostics = await waitFor('diagnostics', () => recorded.diagnostics.get(uri));
    const diagnostic = diagnostics.find((d) => d.code === 'event-listener');
    assert.ok(diagnostic);
    assert.equal(diagnostic.range.start.line, leakLine - 1);
    assert.equal(diagnostic.source, 'heapscope');
    assert.match(diagnostic.message, /^Leak: .*'leak'/);
  });

  it('gives a code lens on the leak line that runs Show Retainers, which opens a source hop', async () => {
    const uri = pathToFileURL(program).href;
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'javascript', version: 1, text: fs.readFileSync(program, 'utf8') },
    });
    const lenses = (await request('textDocument/codeLens', { textDocument: { uri } })) as Array<{
      range: { start: { line: number } };
      command?: { title: string; command: string; arguments?: unknown[] };
    }>;
    const lens = lenses.find((candidate) => candidate.range.start.line === leakLine - 1);
    assert.ok(lens?.command, 'a lens on the leak line');
    const verify = lenses.find((candidate) => candidate.range.start.line === leakLine - 1 && candidate !== lens);
    assert.equal(verify?.command?.title, 'Verify fix', 'attached: the fix can be verified from the lens');
    assert.equal(verify?.command?.command, 'heapscope.verifyFix');
    const leak = report.findings.find((finding) => finding.kind === 'event-listener')!;
    // The lens (from the server) and the Leaks view row (from the client) give the same numbers.
    assert.equal(lens.command.title, `▲ ${growthText(leak)} · Show retainers`);
    assert.equal(lens.command.command, 'heapscope.showRetainers');
    const hover = (await request('textDocument/hover', {
      textDocument: { uri },
      position: { line: leakLine - 1, character: 4 },
    })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on the leak line');
    assert.ok(hover.contents.value.includes(`**${growthText(leak)}**`), hover.contents.value);

    const result = (await execute('heapscope.showRetainers', { findingId: leak.id })) as { retainerPath?: unknown[] } | null;
    assert.ok(result?.retainerPath?.length, 'the retainer path comes back for the quick pick');
    const shown = await waitFor('showDocument', () => recorded.shownDocuments.at(-1));
    assert.equal(shown.uri, uri);
  });

  it('Take Heap Snapshot saves into heapscope.snapshotDir (the setting reached the server)', async () => {
    const record = (await execute('heapscope.takeSnapshot', { label: 'snapshot' })) as { path?: string } | null;
    assert.ok(record?.path, `takeSnapshot failed: ${errors().join(' / ')}`);
    assert.equal(path.dirname(record.path), path.join(workspace, 'snaps'));
    assert.ok(fs.statSync(record.path).size > 0);
    saved = record.path;
  });

  it('Open Snapshot summarises the file in its progress and the status bar line, without a notification', async () => {
    const messages = recorded.messages.length;
    const progress = recorded.progress.length;
    const record = (await execute('heapscope.openSnapshot', { path: saved })) as SnapshotEntry | null;
    assert.ok(record?.summary?.nodes, `openSnapshot failed: ${errors().join(' / ')}`);
    assert.deepEqual(recorded.messages.slice(messages), [], 'the user asked: no showMessage');
    const status = snapshotStatus(record);
    assert.match(status, /^\$\(file-binary\) Heapscope opened [\w.-]+\.heapsnapshot: [\d,]+ objects, [\d.]+ [kMG]?B$/);
    const ends = recorded.progress
      .slice(progress)
      .map((params) => (params as { value: { kind: string; message?: string } }).value)
      .filter((value) => value.kind === 'end');
    const summary = `Opened ${path.basename(saved)}: ${record.summary.nodes.toLocaleString('en-US')} objects, `;
    assert.ok(ends.at(-1)?.message?.startsWith(summary), JSON.stringify(ends));
  });

  it('streams memory samples the status bar can show, and stops', async () => {
    const started = await execute('heapscope.startMonitor', { interval: positiveSeconds(USER_SETTINGS.monitor.interval) });
    assert.ok(started, `startMonitor failed: ${errors().join(' / ')}`);
    const first = await waitFor('a memory sample', () => notified('heapscope/memory')[0]);
    const sample = parseSample(first);
    assert.ok(sample, `the sample has the contract's shape: ${JSON.stringify(first)}`);
    assert.ok(sample.heapUsed > 0 && sample.rss >= sample.heapUsed);
    assert.match(statusText(sample), /^\$\((pulse|warning)\) [\d.,]+ (kB|MB|GB)/);
    await execute('heapscope.stopMonitor');
    // The memory view shows the server's chart: a heap line and its legend entry.
    const chart = (await execute('heapscope.memoryChart')) as { svg: string; samples: number };
    assert.equal(chart.samples, notified('heapscope/memory').length);
    assert.match(chart.svg, /^<svg [^>]*role="img"/);
    assert.match(chart.svg, /<polyline [^>]*data-series="heapUsed"/);
    assert.match(chart.svg, /data-legend="heapUsed"/);
  });

  it('detaches, and says so in heapscope/status', async () => {
    await execute('heapscope.detach');
    const status = await waitFor('status after detach', () => {
      const last = notified('heapscope/status').at(-1) as { attached: boolean } | undefined;
      return last && !last.attached ? last : undefined;
    });
    assert.equal(status.attached, false);
    const chart = (await execute('heapscope.memoryChart')) as { svg: string; samples: number };
    assert.equal(chart.samples, 0, 'detaching empties the chart');
    assert.doesNotMatch(chart.svg, /<polyline/);
  });

  it('a dead address gives one error sentence and the server keeps answering', async () => {
    const parsed = checkAddress('127.0.0.1:9', false);
    assert.ok(parsed.ok);
    const before = errors().length;
    const result = await execute('heapscope.attach', { target: parsed.target });
    assert.equal(result, null);
    const message = await waitFor('an error message', () => errors()[before]);
    assert.match(message, /^Heapscope could not attach to 127\.0\.0\.1:9: /);
    assert.doesNotMatch(message, /Traceback/);
    assert.ok(Array.isArray(await execute('heapscope.listSnapshots')));
  });

  it('clear empties the Problems panel', async () => {
    await execute('heapscope.clear');
    const uri = pathToFileURL(program).href;
    await waitFor('diagnostics cleared', () => recorded.diagnostics.get(uri)?.length === 0);
  });
});
