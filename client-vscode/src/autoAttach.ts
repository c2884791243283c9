/**
 * When a JavaScript debug session starts, offer to attach Heapscope next to the debugger
 * (through js-debug's CDP proxy), as the `heapscope.autoAttach` setting says.
 */
import * as vscode from 'vscode';
import { cdpProxyTarget } from './attach';
import { autoAttachMode } from './logic/settings';
import { isNodeDebugSession } from './logic/targets';

export function watchDebugSessions(attach: (target: string) => Promise<boolean>, isAttached: () => boolean): vscode.Disposable {
  return vscode.debug.onDidStartDebugSession(async (session) => {
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
      await attach(target);
    }
  });
}
