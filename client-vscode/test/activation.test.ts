/**
 * The built extension (dist/extension.js, what the .vsix ships) activated the way VS Code
 * activates it in a Node project that never used Heapscope: a workspace with a
 * package.json, no Heapscope server on the machine, a debug session starting, a setting
 * changing. VS Code itself cannot run under `node --test`, so its API is a recording
 * stand-in with the members the extension and vscode-languageclient touch; everything
 * else (the bundle, child processes, the file system) is real.
 *
 * What a user would check: no notification, no Python process, until they run a
 * Heapscope command — and then exactly one notification that says what to do.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

// The module object itself (not an import namespace), so its spawn can be watched.
const childProcess = require('node:child_process') as { spawn: (...args: unknown[]) => unknown; execFile: (...args: unknown[]) => unknown };
const CLIENT = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(CLIENT, 'dist', 'extension.js');

type Listener = (value: unknown) => unknown;

class EventEmitter {
  private listeners: Listener[] = [];
  event = (listener: Listener): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value?: unknown): unknown[] {
    return this.listeners.map((listener) => listener(value));
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Disposable {
  constructor(private readonly callOnDispose: () => void = () => undefined) {}
  static from(...items: Array<{ dispose(): void }>): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

class Uri {
  private constructor(readonly fsPath: string) {}
  static file(file: string): Uri {
    return new Uri(file);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(path.join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

/** A stand-in for the Python extension: its API as `@vscode/python-extension` describes it. */
class FakePythonExtension {
  isActive = false;
  activations = 0;
  interpreter = '/nonexistent/from-python-extension/python3';
  readonly changed = new EventEmitter();
  readonly exports = {
    ready: Promise.resolve(),
    environments: {
      getActiveEnvironmentPath: () => ({ id: this.interpreter, path: this.interpreter }),
      resolveEnvironment: async (environment: { path: string }) => ({ executable: { uri: Uri.file(environment.path) } }),
      onDidChangeActiveEnvironmentPath: this.changed.event,
    },
  };
  async activate(): Promise<unknown> {
    this.activations++;
    this.isActive = true;
    return this.exports;
  }
}

interface Recorder {
  messages: Array<{ level: string; text: string }>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  contexts: Map<string, unknown>;
  statusItems: Array<{ text: string; command?: unknown; visible: boolean }>;
  spawned: string[];
  settings: Record<string, unknown>;
  configurationChanged: EventEmitter;
  debugStarted: EventEmitter;
  debugEnded: EventEmitter;
  pythonExtension?: FakePythonExtension;
}

/** The VS Code API surface the extension uses, recording what it is asked to show. */
function fakeVscode(workspace: string, recorder: Recorder): unknown {
  const message = (level: string) => async (text: string) => {
    recorder.messages.push({ level, text });
    return undefined;
  };
  const known: Record<string, unknown> = {
    EventEmitter,
    Disposable,
    Uri,
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ThemeIcon: class {},
    ThemeColor: class {},
    TreeItem: class {},
    window: {
      createOutputChannel: () => ({ appendLine: () => undefined, append: () => undefined, show: () => undefined, dispose: () => undefined }),
      createTreeView: () => ({ dispose: () => undefined }),
      createStatusBarItem: () => {
        const item = { text: '', command: undefined as unknown, visible: false, name: '', tooltip: '', show: () => (item.visible = true), hide: () => (item.visible = false), dispose: () => (item.visible = false) };
        recorder.statusItems.push(item);
        return item;
      },
      showInformationMessage: message('information'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      createWebviewPanel: () => {
        throw new Error('no webview expected');
      },
    },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        recorder.commands.set(id, handler);
        return new Disposable(() => recorder.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          recorder.contexts.set(String(args[0]), args[1]);
        }
        return undefined;
      },
    },
    workspace: {
      workspaceFolders: [{ uri: Uri.file(workspace), name: path.basename(workspace), index: 0 }],
      getConfiguration: () => ({
        get: (key: string, fallback?: unknown) => (key in recorder.settings ? recorder.settings[key] : fallback),
        update: async (key: string, value: unknown) => void (recorder.settings[key] = value),
      }),
      onDidChangeConfiguration: recorder.configurationChanged.event,
      fs: {
        stat: async (uri: Uri) => {
          await fs.promises.stat(uri.fsPath);
          return {};
        },
      },
    },
    debug: {
      onDidStartDebugSession: recorder.debugStarted.event,
      onDidTerminateDebugSession: recorder.debugEnded.event,
      activeDebugSession: undefined,
    },
    extensions: {
      getExtension: (id: string) => (id === 'ms-python.python' ? recorder.pythonExtension : undefined),
      onDidChange: new EventEmitter().event,
    },
  };
  // vscode-languageclient subclasses a few API classes when it loads; any class will do.
  return new Proxy(known, { get: (target, key: string) => (key in target ? target[key] : class {}) });
}

function memento(values: Record<string, unknown> = {}): unknown {
  return { get: (key: string, fallback?: unknown) => (key in values ? values[key] : fallback), update: async (key: string, value: unknown) => void (values[key] = value), keys: () => Object.keys(values) };
}

/** Let every pending promise and timer callback of the extension run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function loadExtension(workspace: string, recorder: Recorder): { activate(context: unknown): Promise<void>; deactivate(): Promise<void> } {
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const vscode = fakeVscode(workspace, recorder);
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    delete require.cache[BUNDLE];
    return require(BUNDLE);
  } finally {
    Module._load = load;
  }
}

function newRecorder(): Recorder {
  return {
    messages: [],
    commands: new Map(),
    contexts: new Map(),
    statusItems: [],
    spawned: [],
    // No Heapscope server anywhere: the interpreter does not exist.
    settings: { python: '/nonexistent/heapscope-test/python3', autoAttach: 'ask' },
    configurationChanged: new EventEmitter(),
    debugStarted: new EventEmitter(),
    debugEnded: new EventEmitter(),
  };
}

const nodeSession = { id: 'child-1', name: 'Launch app.js', type: 'pwa-node', parentSession: { id: 'parent-1' } };

describe('the built extension in a Node project that never used Heapscope', { skip: fs.existsSync(BUNDLE) ? false : 'run `npm run build` first' }, () => {
  let workspace: string;
  const originalSpawn = childProcess.spawn;
  const originalExecFile = childProcess.execFile;

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-fresh-'));
    fs.writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'shop', version: '1.0.0', main: 'app.js' }));
    fs.writeFileSync(path.join(workspace, 'app.js'), "require('http').createServer(() => {}).listen(0);\n");
  });

  after(() => {
    childProcess.spawn = originalSpawn;
    childProcess.execFile = originalExecFile;
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Record every process the extension starts (spawn and execFile, which probes interpreters use). */
  function spyOnSpawn(recorder: Recorder): void {
    childProcess.spawn = (command: unknown, ...rest: unknown[]) => {
      recorder.spawned.push(String(command));
      return originalSpawn(command, ...rest);
    };
    childProcess.execFile = (command: unknown, ...rest: unknown[]) => {
      recorder.spawned.push(String(command));
      return originalExecFile(command, ...rest);
    };
  }

  it('shows no notification and starts no Python on activation, a debug session or a settings change', async () => {
    const recorder = newRecorder();
    spyOnSpawn(recorder);
    const extension = loadExtension(workspace, recorder);
    const context = { subscriptions: [] as Array<{ dispose(): void }>, workspaceState: memento(), globalState: memento(), extensionPath: CLIENT, globalStorageUri: Uri.file(path.join(workspace, '.storage')) };
    await extension.activate(context);
    recorder.debugStarted.fire(nodeSession);
    recorder.configurationChanged.fire({ affectsConfiguration: (section: string) => section.startsWith('heapscope') });
    await settle();

    assert.deepEqual(recorder.messages, []);
    assert.deepEqual(recorder.spawned, []);
    assert.ok(recorder.commands.has('heapscope.ui.findLeaks'), 'the commands are registered');
    assert.equal(recorder.contexts.get('heapscope.attached'), false);
    // The debug session is offered in the status bar instead, pointing at Attach.
    const offer = recorder.statusItems.find((item) => item.visible && item.command === 'heapscope.ui.attach');
    assert.ok(offer, 'a status bar offer to attach');
    recorder.debugEnded.fire(nodeSession);
    assert.equal(offer.visible, false, 'the offer goes with the session');

    // Once the user runs a command, the missing server is worth exactly one notification.
    await recorder.commands.get('heapscope.ui.openSnapshot')!(Uri.file(path.join(workspace, 'x.heapsnapshot')));
    await settle();
    const shown: Recorder['messages'] = recorder.messages; // (deepEqual above narrowed the type to [])
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].level, 'error');
    assert.match(shown[0].text, /\/nonexistent\/heapscope-test\/python3 .*was not found/);
    assert.deepEqual(recorder.spawned, ['/nonexistent/heapscope-test/python3']);

    context.subscriptions.forEach((subscription) => subscription.dispose());
    await extension.deactivate();
  });

  it("asks the Python extension for its interpreter only when a command starts the server", async () => {
    const recorder = newRecorder();
    recorder.settings.python = '';
    const python = new FakePythonExtension();
    recorder.pythonExtension = python;
    spyOnSpawn(recorder);
    const extension = loadExtension(workspace, recorder);
    const context = { subscriptions: [] as Array<{ dispose(): void }>, workspaceState: memento(), globalState: memento(), extensionPath: CLIENT, globalStorageUri: Uri.file(path.join(workspace, '.storage')) };
    await extension.activate(context);
    await settle();
    assert.equal(python.activations, 0, 'activating Heapscope does not wake the Python extension');

    const openSnapshot = recorder.commands.get('heapscope.ui.openSnapshot')!;
    await openSnapshot(Uri.file(path.join(workspace, 'x.heapsnapshot')));
    await settle();
    assert.equal(python.activations, 1);
    // Its interpreter is the first one tried (it does not exist here, so PATH's come next).
    assert.equal(recorder.spawned[0], '/nonexistent/from-python-extension/python3');
    assert.equal(recorder.messages.length, 1, JSON.stringify(recorder.messages));

    // The user picks another interpreter there: the next start tries that one first.
    python.interpreter = '/nonexistent/other-env/python3';
    python.changed.fire({ id: python.interpreter, path: python.interpreter });
    const before = recorder.spawned.length;
    await openSnapshot(Uri.file(path.join(workspace, 'x.heapsnapshot')));
    await settle();
    assert.equal(recorder.spawned[before], '/nonexistent/other-env/python3');
    assert.ok(!recorder.spawned.slice(before).includes('/nonexistent/from-python-extension/python3'));
    context.subscriptions.forEach((subscription) => subscription.dispose());
    await extension.deactivate();
  });

  it('asks with a notification once the workspace has used Heapscope', async () => {
    const recorder = newRecorder();
    spyOnSpawn(recorder);
    const extension = loadExtension(workspace, recorder);
    const context = { subscriptions: [] as Array<{ dispose(): void }>, workspaceState: memento({ 'heapscope.used': true }), globalState: memento(), extensionPath: CLIENT, globalStorageUri: Uri.file(path.join(workspace, '.storage')) };
    await extension.activate(context);
    recorder.debugStarted.fire(nodeSession);
    await settle();
    assert.deepEqual(recorder.messages, [{ level: 'information', text: 'Attach Heapscope to "Launch app.js" to watch its memory?' }]);
    assert.deepEqual(recorder.spawned, [], 'asking starts nothing');
    context.subscriptions.forEach((subscription) => subscription.dispose());
    await extension.deactivate();
  });
});
