/**
 * The choices of "Attach to Process…": debug sessions, inspectors listening on the usual
 * ports, Node processes, and typing an address. Discovery and parsing live here, without
 * `vscode`, so they run (and are tested) under plain Node.
 */
import * as http from 'node:http';
import * as path from 'node:path';

/** One debuggable page from an inspector's `/json/list`. */
export interface InspectorTarget {
  host: string;
  port: number;
  id: string;
  title: string;
  url: string;
  webSocketDebuggerUrl: string;
}

/** A running Node.js process, as the server's `heapscope.listTargets` lists it (psutil). */
export interface NodeProcess {
  pid: number;
  commandLine: string[];
  /** The command line switches the inspector on. */
  inspecting: boolean;
  /** Ports where the process's inspector answered. */
  inspectorPorts: number[];
}

/** A JavaScript debug session VS Code is running (js-debug can lend it through its CDP proxy). */
export interface DebugSessionSummary {
  id: string;
  name: string;
  type: string;
}

export type AttachAction =
  | { kind: 'debug-session'; sessionId: string }
  | { kind: 'target'; target: string }
  | { kind: 'enter-address' }
  | { kind: 'pick-process' };

/** A quick-pick row: what to show and what choosing it does. */
export interface AttachItem {
  label: string;
  description?: string;
  detail?: string;
  /** Separator rows (`kind: 'separator'` in VS Code) carry no action. */
  separator?: boolean;
  action?: AttachAction;
}

export const DEFAULT_INSPECTOR_PORTS: readonly number[] = Array.from({ length: 11 }, (_, i) => 9229 + i);

/** js-debug's session types for Node.js programs (the ones a heap snapshot makes sense for). */
const NODE_DEBUG_TYPES = new Set(['pwa-node', 'node', 'node-terminal', 'pwa-extensionHost', 'extensionHost']);

export function isNodeDebugSession(type: string): boolean {
  return NODE_DEBUG_TYPES.has(type);
}

/** The `/json/list` answer of one inspector, keeping only entries one can attach to. */
export function parseInspectorList(body: unknown, host: string, port: number): InspectorTarget[] {
  if (!Array.isArray(body)) {
    return [];
  }
  const targets: InspectorTarget[] = [];
  for (const entry of body as Record<string, unknown>[]) {
    const ws = entry?.webSocketDebuggerUrl;
    if (typeof ws !== 'string' || !/^wss?:\/\//.test(ws)) {
      continue;
    }
    targets.push({
      host,
      port,
      id: typeof entry.id === 'string' ? entry.id : '',
      title: typeof entry.title === 'string' ? entry.title : '',
      url: typeof entry.url === 'string' ? entry.url : '',
      webSocketDebuggerUrl: ws,
    });
  }
  return targets;
}

/** GET a small JSON document from a loopback HTTP endpoint; undefined when nothing sensible answers. */
export function getJson(host: string, port: number, route: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve) => {
    const request = http.get({ host, port, path: route, timeout: timeoutMs, headers: { Host: `${host}:${port}` } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 1_000_000) {
          request.destroy();
          resolve(undefined);
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          resolve(undefined);
        }
      });
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** Inspectors listening on `host` at any of `ports`, probed in parallel; closed ports are skipped. */
export async function discoverInspectors(
  host = '127.0.0.1',
  ports: readonly number[] = DEFAULT_INSPECTOR_PORTS,
  timeoutMs = 400,
): Promise<InspectorTarget[]> {
  const lists = await Promise.all(
    ports.map(async (port) => parseInspectorList(await getJson(host, port, '/json/list', timeoutMs), host, port)),
  );
  return lists.flat();
}

/** The `heapscope.listTargets` answer, keeping only well-formed entries. */
export function parseProcessList(value: unknown): NodeProcess[] {
  const processes = (value as { processes?: unknown } | null)?.processes;
  if (!Array.isArray(processes)) {
    return [];
  }
  const result: NodeProcess[] = [];
  for (const entry of processes as Record<string, unknown>[]) {
    if (!entry || typeof entry.pid !== 'number' || !Number.isInteger(entry.pid)) {
      continue;
    }
    const commandLine = Array.isArray(entry.commandLine) ? entry.commandLine.filter((arg): arg is string => typeof arg === 'string') : [];
    const ports = Array.isArray(entry.inspectorPorts) ? entry.inspectorPorts.filter((port): port is number => Number.isInteger(port)) : [];
    result.push({ pid: entry.pid, commandLine, inspecting: entry.inspecting === true, inspectorPorts: ports });
  }
  return result;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The script a Node command line runs (first argument after node that is not an option), for the label. */
export function scriptOf(commandLine: readonly string[]): string {
  const script = commandLine.slice(1).find((arg) => !arg.startsWith('-'));
  return script ? path.basename(script.replace(/\\/g, '/')) : 'node';
}

/** Rows of the first quick pick of "Attach to Process…", most direct choice first. */
export function buildAttachItems(sessions: readonly DebugSessionSummary[], inspectors: readonly InspectorTarget[]): AttachItem[] {
  const items: AttachItem[] = [];
  const nodeSessions = sessions.filter((session) => isNodeDebugSession(session.type));
  if (nodeSessions.length) {
    items.push({ label: 'Debug sessions', separator: true });
    for (const session of nodeSessions) {
      items.push({
        label: `$(debug) ${session.name}`,
        description: 'JavaScript debug session',
        detail: 'Attach through the debugger (it keeps debugging)',
        action: { kind: 'debug-session', sessionId: session.id },
      });
    }
  }
  if (inspectors.length) {
    items.push({ label: 'Inspectors on this machine', separator: true });
    for (const inspector of inspectors) {
      const title = inspector.title || inspector.url || inspector.id;
      items.push({
        label: `$(plug) ${shorten(path.basename(title) || title, 60)}`,
        description: `${inspector.host}:${inspector.port}`,
        detail: shorten(inspector.url || title, 120),
        action: { kind: 'target', target: inspector.webSocketDebuggerUrl },
      });
    }
  }
  items.push({ label: 'Other', separator: true });
  items.push({
    label: '$(edit) Enter address…',
    description: 'host:port, ws:// URL or pid:1234',
    action: { kind: 'enter-address' },
  });
  items.push({
    label: '$(list-selection) Pick a Node process…',
    description: 'turns on the inspector of a running process',
    action: { kind: 'pick-process' },
  });
  return items;
}

/**
 * Rows of "Pick a Node process…". A process whose inspector already answers is attached
 * by its port; any other by PID, which the server turns on with SIGUSR1 where the
 * platform has it (and says so in one sentence where it does not).
 */
export function buildProcessItems(processes: readonly NodeProcess[]): AttachItem[] {
  return processes.map((process) => {
    const port = process.inspectorPorts[0];
    return {
      label: scriptOf(process.commandLine),
      description: `pid ${process.pid}${port ? ` · inspector on 127.0.0.1:${port}` : process.inspecting ? ' · inspector on' : ''}`,
      detail: shorten(process.commandLine.join(' '), 160),
      action: { kind: 'target', target: port ? `127.0.0.1:${port}` : String(process.pid) },
    };
  });
}

/** A short name for the status bar: proxy JSON becomes "the debug session", URLs lose their page id. */
export function describeTarget(target: string): string {
  if (target.trim().startsWith('{') || target.startsWith('js-debug://')) {
    return 'the debug session';
  }
  return target.replace(/^(wss?:\/\/[^/]+)\/.*$/, '$1');
}

/**
 * The address of js-debug's CDP proxy (`requestCDPProxy`'s answer) in the `js-debug://` form
 * the server accepts: readable in messages, unlike the JSON.
 */
export function proxyAddress(proxy: { host: string; port: number; path?: string }): string {
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  const route = proxy.path ? (proxy.path.startsWith('/') ? proxy.path : `/${proxy.path}`) : '';
  return `js-debug://${host}:${proxy.port}${route}`;
}
