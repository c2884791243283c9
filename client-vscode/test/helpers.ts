import { ChildProcess, spawn } from 'node:child_process';

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
