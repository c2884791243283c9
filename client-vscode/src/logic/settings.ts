/**
 * The few settings the extension reads itself. The language server reads the rest: the client
 * passes the `heapscope` section to it as the editor stores it, and the server's typed options
 * (server/heapscope/lsp/options.py) are the one place that names and checks them.
 */

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
