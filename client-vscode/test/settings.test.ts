import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoAttachMode, positiveSeconds, toServerSettings } from '../src/logic/settings';

describe('toServerSettings', () => {
  it("maps the extension's setting names onto the server's", () => {
    const client = {
      python: '/venv/bin/python',
      snapshotDir: ' snaps ',
      findLeaks: { interval: 2 },
      monitor: { interval: 0.5, snapshotEvery: 60, keep: 3, onLeak: 'find-leaks' },
      allowRemoteHosts: true,
      maxSnapshots: 7,
      diagnostics: { minimumSeverity: 'warning' },
      autoAttach: 'never',
      trace: { server: 'verbose' },
    };
    assert.deepEqual(toServerSettings(client), {
      snapshotFolder: 'snaps',
      defaultInterval: 2,
      monitorInterval: 0.5,
      monitorSnapshotEvery: 60,
      monitorKeep: 3,
      monitorOnLeak: 'find-leaks',
      allowRemoteHosts: true,
      maxSnapshots: 7,
      diagnosticSeverity: 'warning',
    });
  });

  it('leaves unset values out so the server defaults apply; an empty folder is the default', () => {
    assert.deepEqual(toServerSettings({ snapshotDir: '', findLeaks: {} }), {});
    assert.deepEqual(toServerSettings(undefined), {});
    assert.deepEqual(toServerSettings('nonsense'), {});
  });

  it('passes wrong values on for the server to explain', () => {
    assert.deepEqual(toServerSettings({ maxSnapshots: 'many' }), { maxSnapshots: 'many' });
  });
});

describe('small setting readers', () => {
  it('autoAttach defaults to ask', () => {
    assert.equal(autoAttachMode('always'), 'always');
    assert.equal(autoAttachMode('never'), 'never');
    assert.equal(autoAttachMode('sometimes'), 'ask');
  });

  it('positiveSeconds', () => {
    assert.equal(positiveSeconds(2.5), 2.5);
    assert.equal(positiveSeconds(0), undefined);
    assert.equal(positiveSeconds('5'), undefined);
  });
});
