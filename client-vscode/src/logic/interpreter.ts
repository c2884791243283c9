/**
 * Which Python runs the language server. The order is the one users expect from other
 * Python-backed extensions: an explicit setting wins, then the environment the Python
 * extension has selected for the workspace, then whatever `python3` is on PATH.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export type InterpreterSource = 'setting' | 'python-extension' | 'default' | 'bundled';

export interface ServerCommand {
  command: string;
  args: string[];
  source: InterpreterSource;
}

export interface InterpreterInputs {
  /** `heapscope.python`, possibly empty or with `${workspaceFolder}` / `~`. */
  setting?: string;
  /** What the Python extension reports: its execution command (`[python, ...args]`), if any. */
  pythonExtension?: readonly string[];
  workspaceFolder?: string;
  platform?: NodeJS.Platform;
}

export const SERVER_MODULE_ARGS = ['-m', 'heapscope', 'serve'] as const;

/** Expand `~` and `${workspaceFolder}` / `${userHome}` / `${env:NAME}` the way VS Code settings read. */
export function expandSetting(value: string, workspaceFolder?: string, env: NodeJS.ProcessEnv = process.env): string {
  let text = value.trim();
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) {
    text = path.join(os.homedir(), text.slice(1));
  }
  return text
    .replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '${workspaceFolder}')
    .replace(/\$\{userHome\}/g, os.homedir())
    .replace(/\$\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? '');
}

/** The command line that starts `heapscope serve`, and where its interpreter came from. */
export function resolveServerCommand(inputs: InterpreterInputs): ServerCommand {
  const setting = inputs.setting?.trim();
  if (setting) {
    const command = expandSetting(setting, inputs.workspaceFolder);
    const resolved = inputs.workspaceFolder && /[\\/]/.test(command) && !path.isAbsolute(command)
      ? path.resolve(inputs.workspaceFolder, command)
      : command;
    return { command: resolved, args: [...SERVER_MODULE_ARGS], source: 'setting' };
  }
  const fromExtension = (inputs.pythonExtension ?? []).filter((part) => part.length > 0);
  if (fromExtension.length) {
    return { command: fromExtension[0], args: [...fromExtension.slice(1), ...SERVER_MODULE_ARGS], source: 'python-extension' };
  }
  const fallback = (inputs.platform ?? process.platform) === 'win32' ? 'python' : 'python3';
  return { command: fallback, args: [...SERVER_MODULE_ARGS], source: 'default' };
}

export function describeSource(source: InterpreterSource): string {
  switch (source) {
    case 'setting':
      return 'the heapscope.python setting';
    case 'python-extension':
      return "the Python extension's selected environment";
    case 'bundled':
      return "Heapscope's own environment";
    default:
      return 'PATH';
  }
}

/**
 * One sentence on why the server did not start, from what the process printed: the
 * common causes (no such interpreter, package not installed, too old a Python) each get
 * their own fix instead of a stack trace.
 */
export function explainStartFailure(server: ServerCommand, stderr: string, error?: { code?: string; message?: string }): string {
  const where = `${server.command} (from ${describeSource(server.source)})`;
  if (error?.code === 'ENOENT') {
    return `Heapscope could not start its language server: the Python interpreter ${where} was not found. Clear heapscope.python to let Heapscope set up its own server, or set it to a Python 3.10+ that has heapscope installed.`;
  }
  if (error?.code === 'EACCES') {
    return `Heapscope could not start its language server: ${where} is not executable. Set heapscope.python to a Python interpreter.`;
  }
  if (/No module named heapscope\b|No module named 'heapscope'/.test(stderr)) {
    return `Heapscope could not start its language server: the package heapscope is not installed for ${where}. Clear heapscope.python to let Heapscope set up its own server, or install heapscope into that interpreter.`;
  }
  if (/No module named '?(pygls|lsprotocol|numpy|websocket)/.test(stderr)) {
    const missing = /No module named '?([\w.]+)/.exec(stderr)?.[1] ?? 'a dependency';
    return `Heapscope could not start its language server: ${missing} is missing for ${where}. Reinstall heapscope into that interpreter, or clear heapscope.python to let Heapscope set up its own server.`;
  }
  if (/SyntaxError|requires a different Python|Python 2\./.test(stderr)) {
    return `Heapscope could not start its language server: ${where} is too old a Python. Set heapscope.python to Python 3.10 or newer.`;
  }
  const lastLine = stderr.trim().split(/\r?\n/).pop();
  const detail = lastLine || error?.message || 'the process exited right away';
  return `Heapscope could not start its language server with ${where}: ${detail}`;
}

export interface ProbeResult {
  stderr: string;
  exitCode?: number | null;
  error?: { code?: string; message?: string };
}

/** Run `code` with the server's interpreter (and its extra arguments, e.g. `conda run`). */
export function probeServer(server: ServerCommand, code: string, cwd?: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const moduleArgs = server.args.slice(0, server.args.length - SERVER_MODULE_ARGS.length);
    let stderr = '';
    let child;
    try {
      child = spawn(server.command, [...moduleArgs, '-c', code], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      resolve({ stderr, error: error as ProbeResult['error'] });
      return;
    }
    const timer = setTimeout(() => child.kill(), 15000);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ stderr, error });
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stderr, exitCode });
    });
  });
}
