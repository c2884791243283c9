/** Entry point: wires the language client, the palette commands, the views and the status bar. */
import * as vscode from 'vscode';
import { DebugSessions } from './attach';
import { watchDebugSessions } from './autoAttach';
import { CLIENT_ID, HeapscopeClient } from './client';
import { Commands, SessionState } from './commands';
import { FindingsView } from './findingsView';
import { parseSample } from './logic/memory';
import { RESTART_SETTINGS } from './logic/settings';
import { MonitorView } from './monitorView';
import { onPythonInterpreterChanged } from './python';
import { HeapscopeStatusBar } from './statusBar';

let client: HeapscopeClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Heapscope');
  client = new HeapscopeClient(output, context);
  const state = new SessionState();
  const sessions = new DebugSessions();
  const findings = new FindingsView();
  const monitor = new MonitorView(client);
  const statusBar = new HeapscopeStatusBar();
  const commands = new Commands(client, state, sessions, findings, monitor, statusBar, context.workspaceState);
  context.subscriptions.push(output, client, sessions, findings, monitor, statusBar, ...commands.register());

  client.onNotification('heapscope/memory', (params) => {
    const sample = parseSample(params);
    if (sample) {
      statusBar.showSample(sample);
      monitor.add(sample);
    }
  });
  client.onNotification('heapscope/findings', (params) => {
    commands.showReport((params as { report?: unknown } | null)?.report);
  });
  client.onNotification('heapscope/status', (params) => {
    const status = params as { attached?: boolean; target?: string | null; description?: string | null } | null;
    commands.setAttached(status?.attached ? { target: status.target ?? '', description: status.description ?? undefined } : undefined);
  });
  context.subscriptions.push(
    client.onDidChangeRunning((running) => {
      if (!running) {
        commands.setAttached(undefined);
      }
    }),
  );

  const debugWatch = watchDebugSessions(context.workspaceState, (target, asked) => commands.attach(target, asked), () => state.attached);
  commands.onAttached(() => debugWatch.withdraw());

  // Nothing below starts Python: the server starts with the first Heapscope command, so a
  // workspace where Heapscope is never used never sees a Python process or a notification.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(CLIENT_ID) || !client?.running) {
        return;
      }
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        output.appendLine('The Python interpreter setting changed; restarting the language server.');
        await client.restart();
      } else {
        await client.sendSettings();
      }
    }),
    onPythonInterpreterChanged(() => {
      const setting = vscode.workspace.getConfiguration(CLIENT_ID).get<string>('python', '');
      if (!setting.trim() && client?.running) {
        output.appendLine("The Python extension's interpreter changed; restarting the language server.");
        void client.restart();
      }
    }),
    debugWatch,
  );

  void vscode.commands.executeCommand('setContext', 'heapscope.attached', false);
  void vscode.commands.executeCommand('setContext', 'heapscope.monitoring', false);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
