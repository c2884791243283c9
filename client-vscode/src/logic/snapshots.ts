/** Heap snapshots as the server lists and returns them, and what the editor says about them. */
import * as path from 'node:path';
import { formatBytes, formatCount } from './format';

/** A snapshot of the session (`heapscope.listSnapshots`, `takeSnapshot`, `openSnapshot`). */
export interface SnapshotEntry {
  id: string;
  path: string;
  label: string;
  created?: number | string;
  /** Set by openSnapshot: what a person reads first about the heap. */
  summary?: { nodes?: number; totalBytes?: number };
}

/**
 * One line for the status bar after Open Snapshot. The summary also ends the load's progress
 * and is in the output channel; the code lenses it brings are in the editor.
 */
export function snapshotStatus(entry: SnapshotEntry): string {
  const name = path.basename(entry.path);
  const nodes = entry.summary?.nodes;
  const bytes = entry.summary?.totalBytes;
  const sizes = typeof nodes === 'number' && typeof bytes === 'number' ? `: ${formatCount(nodes)} objects, ${formatBytes(bytes)}` : '';
  return `$(file-binary) Heapscope opened ${name}${sizes}`;
}
