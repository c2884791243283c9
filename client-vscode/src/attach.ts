/**
 * "Attach to Process…": one quick pick with the active JavaScript debug sessions, inspectors
 * found on 127.0.0.1:9229–9239, "Enter address…" and "Pick a Node process…" (listed by the
 * language server). Resolves to the
 * target string for `heapscope.attach`, or undefined when the user backed out.
 */
import * as vscode from 'vscode';
import type { HeapscopeClient } from './client';
import { checkAddress, ADDRESS_EXAMPLES } from './logic/address';
import {
  AttachAction,
  AttachItem,
  buildAttachItems,
  buildProcessItems,
  discoverInspectors,
  isNodeDebugSession,
  parseProcessList,
  proxyAddress,
} from './logic/targets';

interface PickItem extends vscode.QuickPickItem {
  action?: AttachAction;
}

function toPickItems(items: readonly AttachItem[]): PickItem[] {
  return items.map((item) =>
    item.separator
      ? { label: item.label, kind: vscode.QuickPickItemKind.Separator }
      : { label: item.label, description: item.description, detail: item.detail, action: item.action },
  );
}

/** The debug sessions VS Code is running: the active one and every other js-debug session we saw start. */
export class DebugSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.debug.onDidStartDebugSession((session) => this.sessions.set(session.id, session)),
      vscode.debug.onDidTerminateDebugSession((session) => this.sessions.delete(session.id)),
    ];
    if (vscode.debug.activeDebugSession) {
      this.sessions.set(vscode.debug.activeDebugSession.id, vscode.debug.activeDebugSession);
    }
  }

  /** Node sessions that run a program: js-debug's child sessions, not the launcher above them. */
  list(): vscode.DebugSession[] {
    const all = [...this.sessions.values()].filter((session) => isNodeDebugSession(session.type));
    const parents = new Set(all.map((session) => session.parentSession?.id).filter(Boolean));
    return all.filter((session) => !parents.has(session.id));
  }

  dispose(): void {
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

/** js-debug lends its connection to the program through a CDP proxy; its address is our target. */
export async function cdpProxyTarget(session: vscode.DebugSession): Promise<string | undefined> {
  try {
    const proxy = await vscode.commands.executeCommand<{ host: string; port: number; path?: string }>(
      'extension.js-debug.requestCDPProxy',
      session.id,
    );
    return proxy ? proxyAddress(proxy) : undefined;
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Heapscope could not reach the debug session "${session.name}" through the JavaScript debugger: ${(error as Error).message}`,
    );
    return undefined;
  }
}

function allowRemote(): boolean {
  return vscode.workspace.getConfiguration('heapscope').get<boolean>('allowRemoteHosts', false);
}

async function enterAddress(): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Heapscope: attach to an inspector',
    prompt: 'Address of a Node.js inspector (start Node with --inspect)',
    placeHolder: ADDRESS_EXAMPLES,
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!text.trim()) {
        return undefined;
      }
      const parsed = checkAddress(text, allowRemote());
      return parsed.ok ? undefined : parsed.error;
    },
  });
  if (value === undefined) {
    return undefined;
  }
  const parsed = checkAddress(value, allowRemote());
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(parsed.error);
    return undefined;
  }
  return parsed.target;
}

/** "Pick a Node process…": the server lists them (psutil, the same on every platform). */
async function pickProcess(client: HeapscopeClient): Promise<string | undefined> {
  // The extension host and its parent are Node processes too; they are not what the user means.
  const listed = await client.execute('heapscope.listTargets', { exclude: [process.pid, process.ppid] });
  if (listed === undefined) {
    return undefined; // the server could not start or answered with its own message
  }
  const items = toPickItems(buildProcessItems(parseProcessList(listed)));
  if (!items.length) {
    void vscode.window.showInformationMessage('Heapscope found no running Node.js process.');
    return undefined;
  }
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Heapscope: pick a Node.js process',
    placeHolder: 'Heapscope attaches to its inspector, switching it on (SIGUSR1) if it is off',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return choice?.action?.kind === 'target' ? choice.action.target : undefined;
}

/** The whole flow; undefined when cancelled. */
export async function chooseAttachTarget(sessions: DebugSessions, client: HeapscopeClient): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<PickItem>();
  quickPick.title = 'Heapscope: Attach to Process';
  quickPick.placeholder = 'Looking for inspectors on 127.0.0.1:9229–9239…';
  quickPick.matchOnDescription = true;
  const debugSessions = sessions.list().map((session) => ({ id: session.id, name: session.name, type: session.type }));
  quickPick.items = toPickItems(buildAttachItems(debugSessions, []));
  quickPick.busy = true;
  quickPick.show();
  void discoverInspectors().then((inspectors) => {
    quickPick.items = toPickItems(buildAttachItems(debugSessions, inspectors));
    quickPick.busy = false;
    quickPick.placeholder = inspectors.length || debugSessions.length ? 'Choose the process to attach to' : 'No inspector found on ports 9229–9239';
  });
  const action = await new Promise<AttachAction | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.action));
    quickPick.onDidHide(() => resolve(undefined));
  });
  quickPick.dispose();
  switch (action?.kind) {
    case 'debug-session': {
      const session = sessions.list().find((candidate) => candidate.id === action.sessionId);
      return session ? cdpProxyTarget(session) : undefined;
    }
    case 'target':
      return action.target;
    case 'enter-address':
      return enterAddress();
    case 'pick-process':
      return pickProcess(client);
    default:
      return undefined;
  }
}
