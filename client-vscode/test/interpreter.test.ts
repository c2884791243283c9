import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { explainStartFailure, expandSetting, probeServer, resolveServerCommand } from '../src/logic/interpreter';

describe('resolveServerCommand: setting, then the Python extension, then python3', () => {
  it('uses the heapscope.python setting first', () => {
    const server = resolveServerCommand({ setting: '/opt/py/bin/python', pythonExtension: ['/venv/bin/python'] });
    assert.deepEqual(server, { command: '/opt/py/bin/python', args: ['-m', 'heapscope', 'serve'], source: 'setting' });
  });

  it("falls back to the Python extension's environment, keeping its extra arguments", () => {
    assert.deepEqual(resolveServerCommand({ setting: '  ', pythonExtension: ['/venv/bin/python'] }), {
      command: '/venv/bin/python',
      args: ['-m', 'heapscope', 'serve'],
      source: 'python-extension',
    });
    assert.deepEqual(resolveServerCommand({ pythonExtension: ['conda', 'run', '-n', 'dev', 'python'] }).args, [
      'run',
      '-n',
      'dev',
      'python',
      '-m',
      'heapscope',
      'serve',
    ]);
  });

  it('ends with python3 (python on Windows)', () => {
    assert.equal(resolveServerCommand({ platform: 'linux' }).command, 'python3');
    assert.equal(resolveServerCommand({ pythonExtension: [], platform: 'win32' }).command, 'python');
    assert.equal(resolveServerCommand({}).source, 'default');
  });

  it('expands ${workspaceFolder}, ~ and relative paths in the setting', () => {
    assert.equal(resolveServerCommand({ setting: '${workspaceFolder}/.venv/bin/python', workspaceFolder: '/w' }).command, '/w/.venv/bin/python');
    assert.equal(resolveServerCommand({ setting: '.venv/bin/python', workspaceFolder: '/w' }).command, path.resolve('/w', '.venv/bin/python'));
    assert.equal(resolveServerCommand({ setting: 'python3.12', workspaceFolder: '/w' }).command, 'python3.12');
    assert.equal(expandSetting('~/py/bin/python'), path.join(os.homedir(), 'py/bin/python'));
    assert.equal(expandSetting('${env:HS_TEST_PY}/python', undefined, { HS_TEST_PY: '/x' }), '/x/python');
  });
});

describe('explainStartFailure', () => {
  const server = resolveServerCommand({ setting: '/nope/python' });

  it('names the missing interpreter and the setting', () => {
    const message = explainStartFailure(server, '', { code: 'ENOENT' });
    assert.match(message, /\/nope\/python \(from the heapscope\.python setting\) was not found/);
  });

  it('says the package is missing for that interpreter', () => {
    const message = explainStartFailure(server, "/nope/python: No module named heapscope\n");
    assert.match(message, /package heapscope is not installed for \/nope\/python/);
  });

  it('names a missing dependency', () => {
    const stderr = 'Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named \'pygls\'\n';
    assert.match(explainStartFailure(server, stderr), /pygls is missing/);
  });

  it('falls back to the last line the interpreter printed', () => {
    assert.match(explainStartFailure(server, 'boom\nsomething odd happened\n'), /: something odd happened$/);
  });
});

describe('probeServer with real interpreters', () => {
  it('reports a missing interpreter as ENOENT', async () => {
    const probe = await probeServer(resolveServerCommand({ setting: '/definitely/not/python' }), 'import heapscope');
    assert.equal(probe.error?.code, 'ENOENT');
    assert.match(explainStartFailure(resolveServerCommand({ setting: '/definitely/not/python' }), probe.stderr, probe.error), /was not found/);
  });

  it('reports an interpreter without the package from what it prints', async () => {
    // Node plays an "interpreter" whose -c program fails the way Python's import does.
    const fake = { command: process.execPath, args: ['-m', 'heapscope', 'serve'], source: 'setting' as const };
    const probe = await probeServer(fake, "process.stderr.write('No module named heapscope\\n'); process.exit(1)");
    assert.equal(probe.exitCode, 1);
    assert.match(explainStartFailure(fake, probe.stderr, probe.error), /package heapscope is not installed/);
  });
});
