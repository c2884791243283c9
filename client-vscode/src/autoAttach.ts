/**
 * When a JavaScript debug session starts, offer to attach Heapscope next to the debugger
 * (through js-debug's CDP proxy), as the `heapscope.autoAttach` setting says.
 *
 * Nothing here starts Python. In "ask" mode the offer is a notification only in a
 * workspace that used Heapscope before (a Heapscope command ran there, or it has a
 * `.heapscope` folder); anywhere else it is a status bar item, so a project that never
 * used Heapscope gets no notification for pressing F5.
 */
import * as vscode from 'vscode';
import { cdpProxyTarget } from './attach';
import { autoAttachMode, USED_KEY } from './logic/settings';
import { isNodeDebugSession } from './logic/targets';

type Attach = (target: string, asked: boolean) => Promise<boolean>;

async function usedHere(memento: vscode.Memento): Promise<boolean> {
  if (memento.get<boolean>(USED_KEY, false)) {
    return true;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    return false;
  }
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, '.heapscope'));
    return true;
  } catch {
    return false;
  }
}

/** The watcher; `withdraw()` removes a status bar offer (called once something is attached). */
export interface DebugSessionWatch extends vscode.Disposable {
  withdraw(): void;
}

export function watchDebugSessions(memento: vscode.Memento, attach: Attach, isAttached: () => boolean): DebugSessionWatch {
  let offer: vscode.StatusBarItem | undefined;
  let offeredFor: string | undefined;
  const withdraw = (): void => {
    offer?.dispose();
    offer = undefined;
    offeredFor = undefined;
  };
  const started = vscode.debug.onDidStartDebugSession(async (session) => {
    // js-debug starts a launcher session and a child per program; the child is the one to attach to.
    if (!isNodeDebugSession(session.type) || !session.parentSession || isAttached()) {
      return;
    }
    const settings = vscode.workspace.getConfiguration('heapscope');
    const mode = autoAttachMode(settings.get('autoAttach'));
    if (mode === 'never') {
      return;
    }
    if (mode === 'ask') {
      if (!(await usedHere(memento))) {
        withdraw();
        offer = vscode.window.createStatusBarItem('heapscope.attachOffer', vscode.StatusBarAlignment.Left, 19);
        offer.name = 'Heapscope: attach to the debug session';
        offer.text = '$(plug) Heapscope';
        offer.tooltip = `Attach Heapscope to "${session.name}" to watch its memory and find leaks.`;
        offer.command = 'heapscope.ui.attach';
        offer.show();
        offeredFor = session.id;
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        `Attach Heapscope to "${session.name}" to watch its memory?`,
        'Attach',
        'Always',
        'Never',
      );
      if (choice === 'Always' || choice === 'Never') {
        await settings.update('autoAttach', choice.toLowerCase(), vscode.ConfigurationTarget.Global);
      }
      if (choice !== 'Attach' && choice !== 'Always') {
        return;
      }
    }
    const target = await cdpProxyTarget(session);
    if (target) {
      await attach(target, mode === 'ask');
    }
  });
  const ended = vscode.debug.onDidTerminateDebugSession((session) => {
    if (session.id === offeredFor) {
      withdraw();
    }
  });
  return {
    withdraw,
    dispose: () => {
      started.dispose();
      ended.dispose();
      withdraw();
    },
  };
}
