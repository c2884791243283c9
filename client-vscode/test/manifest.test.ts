/**
 * package.json is the extension's user interface: palette titles, settings and their
 * descriptions. These checks keep it in step with the code that registers the commands.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findPython, NO_PYTHON, serverCapabilities } from './helpers';

const PYTHON = findPython();

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const commandsSource = fs.readFileSync(path.join(ROOT, 'src', 'commands.ts'), 'utf8');
const contributed: Array<{ command: string; title: string; category?: string }> = manifest.contributes.commands;

describe('package.json', () => {
  it('puts every palette command under the Heapscope category', () => {
    const titles = contributed.filter((c) => c.category === 'Heapscope').map((c) => c.title);
    for (const title of [
      'Attach to Process…',
      'Detach',
      'Take Heap Snapshot',
      'Find Leaks',
      'Compare Snapshots…',
      'Open Snapshot File…',
      'Start Memory Monitor',
      'Stop Memory Monitor',
      'Show Retainers',
      'Clear',
    ]) {
      assert.ok(titles.includes(title), `missing palette command ${title}`);
    }
  });

  it('activates only when asked: its commands and views (implicit), and debug sessions to offer attaching', () => {
    assert.deepEqual(manifest.activationEvents, ['onDebug']);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, false);
    assert.ok(manifest.capabilities.untrustedWorkspaces.description.length > 30);
  });

  it('hides the commands that need an attached target or a running monitor while there is none', () => {
    const palette: Array<{ command: string; when?: string }> = manifest.contributes.menus.commandPalette;
    const when = (command: string): string | undefined => palette.find((entry) => entry.command === command)?.when;
    assert.equal(when('heapscope.ui.detach'), 'heapscope.attached');
    assert.equal(when('heapscope.ui.stopMonitor'), 'heapscope.monitoring');
    assert.equal(when('heapscope.ui.showRetainers'), 'heapscope.hasFindings');
    // Find Leaks, Take Heap Snapshot and Start Memory Monitor offer to attach first, so they stay.
    assert.equal(when('heapscope.ui.findLeaks'), undefined);
  });

  it('registers a handler for every contributed command, and contributes every handler', () => {
    const registered = new Set([...commandsSource.matchAll(/'(heapscope\.ui\.\w+)':/g)].map((m) => m[1]));
    registered.add('heapscope.ui.openLocation'); // registered through OPEN_LOCATION_COMMAND
    assert.deepEqual(new Set(contributed.map((c) => c.command)), registered);
  });

  it('never reuses a server command id, and asks the server only for commands it has', { skip: PYTHON ? false : NO_PYTHON }, async () => {
    // The list comes from the real server's initialize answer, so the two cannot drift apart.
    const offered = (await serverCapabilities(PYTHON!)).executeCommandProvider?.commands ?? [];
    assert.ok(offered.includes('heapscope.findLeaks'), `the server offers its commands: ${offered.join(', ')}`);
    for (const { command } of contributed) {
      // The language client registers the server's commands itself; a second registration fails.
      assert.ok(!offered.includes(command), command);
    }
    const sources = fs.readdirSync(path.join(ROOT, 'src')).filter((file) => file.endsWith('.ts'));
    const asked = new Set<string>();
    for (const file of sources) {
      const text = fs.readFileSync(path.join(ROOT, 'src', file), 'utf8');
      for (const match of text.matchAll(/\.execute(?:<[^(]*>)?\(\s*'(heapscope\.\w+)'/g)) {
        asked.add(match[1]);
      }
    }
    assert.ok(asked.has('heapscope.findLeaks') && asked.has('heapscope.listTargets'), [...asked].join(', '));
    for (const command of asked) {
      assert.ok(offered.includes(command), `the extension runs ${command}, which the server does not offer`);
    }
  });

  it('only refers to contributed commands in menus', () => {
    const ids = new Set(contributed.map((c) => c.command));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus as Record<string, Array<{ command: string }>>)) {
      for (const entry of entries) {
        assert.ok(ids.has(entry.command), `${menu} refers to ${entry.command}`);
      }
    }
  });

  it('describes every setting, including the documented ones', () => {
    const properties: Record<string, { markdownDescription?: string; description?: string }> = manifest.contributes.configuration.properties;
    for (const key of [
      'heapscope.python',
      'heapscope.snapshotDir',
      'heapscope.findLeaks.interval',
      'heapscope.allowRemoteHosts',
      'heapscope.maxSnapshots',
      'heapscope.diagnostics.minimumSeverity',
      'heapscope.autoAttach',
      'heapscope.trace.server',
    ]) {
      assert.ok(properties[key], `missing setting ${key}`);
    }
    for (const [key, property] of Object.entries(properties)) {
      assert.ok((property.markdownDescription ?? property.description ?? '').length > 30, `${key} needs a description`);
    }
    assert.equal((properties['heapscope.allowRemoteHosts'] as { default?: boolean }).default, false);
  });

  it('names no repository address (the project has no public one) and packages without it', () => {
    assert.equal(manifest.repository, undefined);
    assert.equal(manifest.bugs, undefined);
    assert.equal(manifest.homepage, undefined);
    // Without the flag vsce stops to ask whether to go on, which would hang `make vsix`.
    const packaging = fs.readFileSync(path.join(ROOT, 'scripts', 'package.mjs'), 'utf8');
    assert.match(packaging, /'--allow-missing-repository'/);
  });

  it('declares a languageclient that fits its engines.vscode', () => {
    assert.equal(manifest.engines.vscode, '^1.82.0');
    assert.match(manifest.dependencies['vscode-languageclient'], /^\^9\./); // 9.x needs ^1.82
    assert.equal(manifest.devDependencies['@types/vscode'], '1.82.0');
  });
});
