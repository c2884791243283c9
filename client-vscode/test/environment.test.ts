import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Bundle,
  choosePython,
  defaultPythons,
  ensureEnvironment,
  EnvironmentError,
  environmentDirectory,
  environmentPython,
  isolatedEnvironment,
  isReady,
  probePython,
  PythonInfo,
  readBundle,
} from '../src/logic/environment';

// A real interpreter: the one make client-test passes (the repository's .venv), else python3.
const PYTHON = process.env.HEAPSCOPE_PYTHON ?? 'python3';
const python = { command: PYTHON, args: [], label: 'the test interpreter' };

/**
 * A bundle laid out as the .vsix lays it out, small enough to install in seconds: a one-module
 * `heapscope` wheel (what the environment check imports) and the pip wheel that this Python's
 * ensurepip carries.
 */
function makeBundle(root: string, version: string): Bundle {
  const wheels = path.join(root, 'wheels');
  fs.mkdirSync(wheels, { recursive: true });
  const script = [
    'import base64, hashlib, os, sys, zipfile',
    'wheels, version = sys.argv[1], sys.argv[2]',
    'files = {"heapscope/__init__.py": f"VERSION = {version!r}\\n", "heapscope/lsp/__init__.py": "", "heapscope/lsp/server.py": "ready = True\\n"}',
    'info = f"heapscope-{version}.dist-info"',
    'files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\\nName: heapscope\\nVersion: {version}\\n"',
    'files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"',
    'def digest(text): return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()',
    'record = "".join(f"{name},{digest(text)},{len(text.encode())}\\n" for name, text in files.items()) + f"{info}/RECORD,,\\n"',
    'with zipfile.ZipFile(os.path.join(wheels, f"heapscope-{version}-py3-none-any.whl"), "w") as wheel:',
    '    for name, text in {**files, f"{info}/RECORD": record}.items(): wheel.writestr(name, text)',
    'import ensurepip',
    'bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")',
    'print(os.path.join(bundled, next(n for n in os.listdir(bundled) if n.startswith("pip-"))))',
  ].join('\n');
  const pip = execFileSync(PYTHON, ['-c', script, wheels, version]).toString().trim();
  const pythons = ['3.10', '3.11', '3.12', '3.13'];
  const pipName = path.basename(pip);
  fs.copyFileSync(pip, path.join(root, pipName));
  fs.writeFileSync(path.join(root, 'bundle.json'), JSON.stringify({ heapscope: version, pip: pipName, pythons, id: `test-${version}` }));
  return readBundle(path.dirname(root))!;
}

describe('readBundle', () => {
  it('is undefined for a build without bundled wheels, or a broken bundle.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-bundle-'));
    assert.equal(readBundle(dir), undefined);
    fs.mkdirSync(path.join(dir, 'bundled'));
    fs.writeFileSync(path.join(dir, 'bundled', 'bundle.json'), '{"heapscope": 1}');
    assert.equal(readBundle(dir), undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('choosePython with real interpreters', () => {
  it('takes the first that runs and reports the ones passed over', async () => {
    const missing = { command: '/definitely/not/python3', args: [], label: 'the heapscope.python setting' };
    const choice = await choosePython([missing, python]);
    assert.equal(choice.python, python);
    assert.match(choice.info!.version, /^3\.\d+$/);
    assert.ok(path.isAbsolute(choice.info!.executable));
    assert.deepEqual(choice.rejected, ['the heapscope.python setting: /definitely/not/python3 not found']);
  });

  it('passes over a Python the bundle has no wheels for, naming its version', async () => {
    const info = (await probePython(python)) as PythonInfo;
    const choice = await choosePython([python], ['2.7']);
    assert.equal(choice.python, undefined);
    assert.deepEqual(choice.rejected, [`the test interpreter: ${info.executable} is Python ${info.version}, which the bundled server has no wheels for`]);
  });

  it('passes over a Python older than 3.10', async () => {
    // No Python older than 3.10 is installed on the test machines: a script answers the probe
    // the way Python 3.8 would.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-old-'));
    const old = path.join(dir, 'python3.8');
    fs.writeFileSync(old, '#!/bin/sh\necho /usr/bin/python3.8\necho 3.8\n', { mode: 0o755 });
    const choice = await choosePython([{ command: old, args: [], label: 'PATH' }, python]);
    assert.equal(choice.python, python);
    assert.deepEqual(choice.rejected, ['PATH: /usr/bin/python3.8 is Python 3.8']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tries python3 first on POSIX and the py launcher after python on Windows', () => {
    assert.equal(defaultPythons('linux')[0].command, 'python3');
    assert.deepEqual(
      defaultPythons('win32').map((candidate) => [candidate.command, ...candidate.args].join(' ')),
      ['python', 'py -3'],
    );
  });
});

describe('ensureEnvironment with a real Python and pip, offline', () => {
  let scratch: string;
  let base: PythonInfo;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-env-'));
    base = (await probePython(python)) as PythonInfo;
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('creates the environment once, installs the bundle into it, and reuses it', async () => {
    const bundle = makeBundle(path.join(scratch, 'ext1', 'bundled'), '9.0.1');
    const storage = path.join(scratch, 'storage');
    const lines: string[] = [];
    const envPython = await ensureEnvironment(storage, bundle, base, (line) => lines.push(line));
    assert.equal(envPython, environmentPython(environmentDirectory(storage, bundle, base)));
    assert.ok(isReady(path.dirname(path.dirname(envPython))));
    const report = execFileSync(envPython, ['-c', 'import sys, heapscope, heapscope.lsp.server; print(sys.prefix); print(heapscope.__file__); print(heapscope.VERSION)'])
      .toString()
      .trim()
      .split('\n');
    const directory = environmentDirectory(storage, bundle, base);
    assert.equal(fs.realpathSync(report[0]), fs.realpathSync(directory));
    assert.ok(fs.realpathSync(report[1]).startsWith(fs.realpathSync(directory)), report[1]);
    assert.equal(report[2], '9.0.1');
    assert.match(lines.join('\n'), /creating a Python 3\.\d+ environment/);
    assert.match(lines.join('\n'), /installing heapscope 9\.0\.1 .*offline/);
    // Only the finished environment is left: no temporary directories.
    assert.deepEqual(fs.readdirSync(storage), [path.basename(directory)]);

    const again: string[] = [];
    assert.equal(await ensureEnvironment(storage, bundle, base, (line) => again.push(line)), envPython);
    assert.deepEqual(again, []);
  });

  it('replaces the environment of an earlier bundle and keeps one at a time per bundle', async () => {
    const storage = path.join(scratch, 'upgrade');
    const first = makeBundle(path.join(scratch, 'ext2', 'bundled'), '9.0.2');
    await ensureEnvironment(storage, first, base);
    const second = makeBundle(path.join(scratch, 'ext3', 'bundled'), '9.0.3');
    const envPython = await ensureEnvironment(storage, second, base);
    assert.equal(execFileSync(envPython, ['-c', 'import heapscope; print(heapscope.VERSION)']).toString().trim(), '9.0.3');
    assert.deepEqual(fs.readdirSync(storage), [path.basename(environmentDirectory(storage, second, base))]);
  });

  it('ends with one environment when two windows set it up at once', async () => {
    const storage = path.join(scratch, 'race');
    const bundle = makeBundle(path.join(scratch, 'ext4', 'bundled'), '9.0.4');
    const [a, b] = await Promise.all([ensureEnvironment(storage, bundle, base), ensureEnvironment(storage, bundle, base)]);
    assert.equal(a, b);
    assert.deepEqual(fs.readdirSync(storage), [path.basename(environmentDirectory(storage, bundle, base))]);
    assert.equal(execFileSync(a, ['-c', 'import heapscope; print(heapscope.VERSION)']).toString().trim(), '9.0.4');
  });

  it('says in one sentence when the bundle cannot be installed, and leaves nothing behind', async () => {
    const storage = path.join(scratch, 'broken');
    const bundle = makeBundle(path.join(scratch, 'ext5', 'bundled'), '9.0.5');
    const broken = { ...bundle, version: '9.9.9', id: 'test-broken' }; // no such wheel in the bundle
    await assert.rejects(ensureEnvironment(storage, broken, base), (error: unknown) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, new RegExp(`could not install its bundled server into Python ${base.version.replace('.', '\\.')}`));
      assert.match(error.message, /heapscope==9\.9\.9/);
      assert.doesNotMatch(error.message, /\n/);
      assert.match(error.details, /No matching distribution found for heapscope==9\.9\.9/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(storage), []);
  });
});

describe('isolatedEnvironment', () => {
  it("drops the user's pip settings and Python path, and loads no pip configuration file", () => {
    const env = { PATH: '/usr/bin', PIP_INDEX_URL: 'https://example.invalid', pip_find_links: '/x', PYTHONPATH: '/y', PYTHONHOME: '/z', HOME: '/h' };
    assert.deepEqual(isolatedEnvironment(env), { PATH: '/usr/bin', HOME: '/h', PIP_CONFIG_FILE: os.devNull, PYTHONNOUSERSITE: '1' });
  });
});
