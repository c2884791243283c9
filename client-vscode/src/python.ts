/**
 * The Python extension's selected interpreter, when that extension is installed. Its API has
 * changed over the years, so both the `environments` API and the older
 * `settings.getExecutionDetails` are tried; any failure just means "not available".
 */
import * as vscode from 'vscode';

interface PythonExtensionApi {
  ready?: Promise<void>;
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] };
  };
}

export async function pythonExtensionCommand(resource?: vscode.Uri): Promise<string[] | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    await api?.ready;
    const active = api?.environments?.getActiveEnvironmentPath(resource);
    if (active) {
      const resolved = await api?.environments?.resolveEnvironment(active);
      const executable = resolved?.executable?.uri?.fsPath;
      if (executable) {
        return [executable];
      }
    }
    const command = api?.settings?.getExecutionDetails(resource)?.execCommand;
    return command?.length ? command : undefined;
  } catch {
    return undefined;
  }
}

/** Fires when the user picks another interpreter in the Python extension (when it says so). */
export function onPythonInterpreterChanged(listener: () => void): vscode.Disposable {
  const extension = vscode.extensions.getExtension<{ environments?: { onDidChangeActiveEnvironmentPath?: vscode.Event<unknown> } }>('ms-python.python');
  const event = extension?.isActive ? extension.exports?.environments?.onDidChangeActiveEnvironmentPath : undefined;
  return event ? event(() => listener()) : new vscode.Disposable(() => undefined);
}
