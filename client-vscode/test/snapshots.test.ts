import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotStatus } from '../src/logic/snapshots';

describe('snapshotStatus (the status bar line after Open Snapshot)', () => {
  it('names the file with its object count and size', () => {
    const entry = { id: 's1', path: '/work/app/.heapscope/before.heapsnapshot', label: 'before', summary: { nodes: 123_456, totalBytes: 9_600_000 } };
    assert.equal(snapshotStatus(entry), '$(file-binary) Heapscope opened before.heapsnapshot: 123,456 objects, 9.6 MB');
  });

  it('names the file alone when the summary is missing', () => {
    assert.equal(snapshotStatus({ id: 's2', path: '/tmp/x.heapsnapshot', label: 'x' }), '$(file-binary) Heapscope opened x.heapsnapshot');
  });
});
