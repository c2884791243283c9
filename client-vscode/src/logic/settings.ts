/**
 * The extension's settings, as the language server reads them.
 *
 * Settings are named for users (`heapscope.findLeaks.interval`); the server's `heapscope`
 * section uses flat keys (`defaultInterval`). The client answers the server's
 * `workspace/configuration` requests through this translation, so neither side needs to
 * know the other's naming, and keys only the client uses (python, trace, autoAttach) stay
 * on the client.
 */

/** The `heapscope` section as `workspace.getConfiguration('heapscope')` gives it (nested by dots). */
export interface ClientSettings {
  python?: unknown;
  snapshotDir?: unknown;
  findLeaks?: { interval?: unknown };
  monitor?: { interval?: unknown; snapshotEvery?: unknown; keep?: unknown; onLeak?: unknown };
  allowRemoteHosts?: unknown;
  maxSnapshots?: unknown;
  diagnostics?: { minimumSeverity?: unknown };
  autoAttach?: unknown;
  trace?: { server?: unknown };
}

/** The server's `heapscope` section (see server/heapscope/lsp/options.py). */
export interface ServerSettings {
  snapshotFolder?: string;
  defaultInterval?: unknown;
  monitorInterval?: unknown;
  monitorSnapshotEvery?: unknown;
  monitorKeep?: unknown;
  monitorOnLeak?: unknown;
  allowRemoteHosts?: unknown;
  maxSnapshots?: unknown;
  diagnosticSeverity?: unknown;
}

function nested(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Translate; values pass through unchecked (the server validates and explains bad values),
 * unset ones are left out so the server's defaults apply. An empty folder means "default".
 */
export function toServerSettings(raw: unknown): ServerSettings {
  const settings = nested(raw);
  const result: ServerSettings = {};
  const folder = settings.snapshotDir;
  if (typeof folder === 'string' ? folder.trim() !== '' : folder !== undefined && folder !== null) {
    result.snapshotFolder = typeof folder === 'string' ? folder.trim() : (folder as string);
  }
  const put = <K extends keyof ServerSettings>(key: K, value: unknown): void => {
    if (value !== undefined && value !== null) {
      result[key] = value as ServerSettings[K];
    }
  };
  put('defaultInterval', nested(settings.findLeaks).interval);
  put('monitorInterval', nested(settings.monitor).interval);
  put('monitorSnapshotEvery', nested(settings.monitor).snapshotEvery);
  put('monitorKeep', nested(settings.monitor).keep);
  put('monitorOnLeak', nested(settings.monitor).onLeak);
  put('allowRemoteHosts', settings.allowRemoteHosts);
  put('maxSnapshots', settings.maxSnapshots);
  put('diagnosticSeverity', nested(settings.diagnostics).minimumSeverity);
  return result;
}

/** Changing these needs a new server process (the others are sent to the running one). */
export const RESTART_SETTINGS = ['heapscope.python'] as const;

export type AutoAttach = 'ask' | 'always' | 'never';

export function autoAttachMode(value: unknown): AutoAttach {
  return value === 'always' || value === 'never' ? value : 'ask';
}

/** A positive number of seconds, or undefined (let the server use its default). */
export function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Workspace-state key set once a Heapscope command ran in the workspace. */
export const USED_KEY = 'heapscope.used';
