/**
 * The Python extension's selected interpreter, through its published API facade
 * (`@vscode/python-extension`). Nothing here activates the Python extension at our own
 * activation: it is asked only when the language server is about to start, and from then
 * on its interpreter changes are followed. A Python extension installed or enabled after
 * the server started is followed from then on too (the listeners restart the server); any
 * failure just means "not available".
 */
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

type Listener = () => void;

/**
 * Follows the Python extension's active environment. `subscribe` is called each time the
 * API is fetched, so a Python extension that activated after us (or was installed
 * after us) is followed from the first server start that finds it.
 */
class InterpreterWatch implements vscode.Disposable {
  private readonly listeners = new Set<Listener>();
  private subscription: vscode.Disposable | undefined;
  private readonly installs: vscode.Disposable;

  /** Set once the server was started: before that, nothing here may wake the Python extension. */
  consulted = false;

  constructor() {
    // The Python extension installed or enabled after the server started: its environment now
    // takes the place of PATH's python3, so follow it and tell the listeners (they restart).
    this.installs = vscode.extensions.onDidChange(() => {
      if (!this.consulted || this.subscription || !vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
        return;
      }
      void api().then((found) => {
        if (found && !this.subscription) {
          this.subscribe(found);
          this.fire();
        }
      });
    });
  }

  private fire(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }

  add(listener: Listener): vscode.Disposable {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  }

  subscribe(found: PythonExtension): void {
    if (this.subscription) {
      return;
    }
    this.subscription = found.environments.onDidChangeActiveEnvironmentPath(() => this.fire());
  }

  dispose(): void {
    this.subscription?.dispose();
    this.installs.dispose();
    this.listeners.clear();
  }
}

let watch: InterpreterWatch | undefined;

async function api(): Promise<PythonExtension | undefined> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    return undefined;
  }
  try {
    const found = await PythonExtension.api();
    await found.ready;
    return found;
  } catch {
    return undefined;
  }
}

/** `[python, ...args]` of the environment the Python extension selected for `resource`, if any. */
export async function pythonExtensionCommand(resource?: vscode.Uri): Promise<string[] | undefined> {
  if (watch) {
    watch.consulted = true;
  }
  const found = await api();
  if (!found) {
    return undefined;
  }
  watch?.subscribe(found);
  try {
    const active = found.environments.getActiveEnvironmentPath(resource);
    const resolved = await found.environments.resolveEnvironment(active);
    const executable = resolved?.executable.uri?.fsPath;
    return executable ? [executable] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `listener` when the user picks another interpreter in the Python extension. Takes
 * effect once the Python extension's API has been fetched (the first server start).
 */
export function onPythonInterpreterChanged(listener: Listener): vscode.Disposable {
  watch ??= new InterpreterWatch();
  const registration = watch.add(listener);
  const owned = watch;
  return new vscode.Disposable(() => {
    registration.dispose();
    if (watch === owned) {
      owned.dispose();
      watch = undefined;
    }
  });
}
