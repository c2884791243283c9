/**
 * Which command starts the language server. `heapscope.python` is an override and runs as
 * given. Otherwise the first Python >= 3.10 found (the Python extension's interpreter, then
 * PATH's) hosts a private environment in the extension's global storage, filled from the wheels
 * the platform .vsix carries (see logic/environment.ts). A development build without bundled
 * wheels runs that Python directly, which then needs heapscope installed.
 */
import * as vscode from 'vscode';
import { Bundle, choosePython, defaultPythons, ensureEnvironment, EnvironmentError, environmentDirectory, isReady, MINIMUM_PYTHON, PythonCommand, readBundle } from './logic/environment';
import { resolveServerCommand, SERVER_MODULE_ARGS, ServerCommand } from './logic/interpreter';
import { pythonExtensionCommand } from './python';

export interface ServerFailure {
  /** One sentence for the notification. */
  failure: string;
  /** What the failing step printed, for the output channel. */
  details?: string;
}

export interface ServerContext {
  extensionPath: string;
  globalStorageUri: vscode.Uri;
}

export async function resolveServer(
  context: ServerContext,
  setting: string,
  folder: vscode.WorkspaceFolder | undefined,
  output: vscode.OutputChannel,
): Promise<ServerCommand | ServerFailure> {
  if (setting.trim()) {
    return resolveServerCommand({ setting, workspaceFolder: folder?.uri.fsPath });
  }
  const fromExtension = await pythonExtensionCommand(folder?.uri);
  const candidates: PythonCommand[] = [
    ...(fromExtension?.length ? [{ command: fromExtension[0], args: fromExtension.slice(1), label: "the Python extension's interpreter" }] : []),
    ...defaultPythons(),
  ];
  const bundle = readBundle(context.extensionPath);
  const choice = await choosePython(candidates, bundle?.pythons);
  for (const reason of choice.rejected) {
    output.appendLine(`Passed over ${reason}`);
  }
  if (!choice.python || !choice.info) {
    const versions = bundle ? `Python ${bundle.pythons[0]} to ${bundle.pythons[bundle.pythons.length - 1]}` : `Python ${MINIMUM_PYTHON} or newer`;
    return {
      failure: `Heapscope needs ${versions} to run its language server and found none (${choice.rejected.join('; ')}). Install one, or set heapscope.python to its path.`,
    };
  }
  if (!bundle) {
    // A development build: the chosen interpreter must have heapscope installed.
    const source = fromExtension?.length && choice.python.command === fromExtension[0] ? 'python-extension' : 'default';
    return { command: choice.python.command, args: [...choice.python.args, ...SERVER_MODULE_ARGS], source };
  }
  return bundledServer(context, bundle, choice.info, output);
}

async function bundledServer(
  context: ServerContext,
  bundle: Bundle,
  base: { executable: string; version: string },
  output: vscode.OutputChannel,
): Promise<ServerCommand | ServerFailure> {
  const storage = context.globalStorageUri.fsPath;
  const log = (line: string): void => output.appendLine(`Server environment: ${line}`);
  const set = async (): Promise<string> => ensureEnvironment(storage, bundle, base, log);
  try {
    const python = isReady(environmentDirectory(storage, bundle, base))
      ? await set()
      : await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Heapscope: setting up its language server with Python ${base.version} (first use only)` },
          set,
        );
    return { command: python, args: [...SERVER_MODULE_ARGS], source: 'bundled' };
  } catch (error) {
    if (error instanceof EnvironmentError) {
      return { failure: error.message, details: error.details };
    }
    return { failure: `Heapscope could not set up its language server: ${(error as Error).message}` };
  }
}
