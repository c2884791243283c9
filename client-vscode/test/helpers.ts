import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export interface InspectedNode {
  process: ChildProcess;
  wsUrl: string;
  port: number;
  stop(): void;
}

/** `node --inspect=127.0.0.1:0 ARGS`, resolved once the inspector prints its websocket URL. */
export function startInspectedNode(args: string[], cwd?: string): Promise<InspectedNode> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`node did not print its inspector URL: ${stderr}`));
    }, 20000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/[\w-]+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, wsUrl: match[1], port: Number(match[2]), stop: () => child.kill() });
      }
    });
    child.on('error', reject);
  });
}

/** The Python that runs the real server in tests: HEAPSCOPE_PYTHON, else the repository's .venv. */
export function findPython(): string | undefined {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const candidates = [process.env.HEAPSCOPE_PYTHON, path.join(repo, '.venv', 'bin', 'python')];
  return candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
}

export const NO_PYTHON = 'no Python with heapscope: set HEAPSCOPE_PYTHON or run `make install` first';

/**
 * What the real server (`python -m heapscope serve`) answers to `initialize`: its capabilities,
 * so tests compare the extension against the server itself instead of a copied list.
 */
export async function serverCapabilities(python: string): Promise<{ executeCommandProvider?: { commands: string[] } }> {
  const server = spawn(python, ['-m', 'heapscope', 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.listen();
  const gone = new Promise<never>((_, reject) => {
    server.once('error', (error) => reject(new Error(`the language server did not start (${python}): ${error.message}`)));
    server.once('exit', (code, signal) => reject(new Error(`the language server exited (${signal ?? `status ${code}`}): ${stderr.trim()}`)));
  });
  gone.catch(() => undefined);
  try {
    const result = (await Promise.race([
      connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }),
      gone,
    ])) as { capabilities: { executeCommandProvider?: { commands: string[] } } };
    await Promise.race([connection.sendRequest('shutdown'), gone]);
    await connection.sendNotification('exit');
    return result.capabilities;
  } finally {
    connection.dispose();
    server.kill();
  }
}
