/**
 * The language server's private Python environment. A platform .vsix carries the server and
 * its dependencies as wheels (`bundled/`); on first use the extension makes a virtual
 * environment in its global storage with a Python it finds, installs those wheels into it
 * without touching the network, and starts the server from there. Nothing is installed into
 * the user's own interpreters.
 *
 * The environment is made with `venv --without-pip` (Debian's python3 has no ensurepip unless
 * python3-venv is installed) and filled by the pip wheel that the bundle carries, run straight
 * from the wheel file. It is built under a temporary name and renamed into place, so an
 * interrupted set-up never leaves a half-filled environment that looks ready, and two windows
 * setting up at once end with one environment.
 */
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The oldest Python the server runs on. */
export const MINIMUM_PYTHON = '3.10';

/** What `make vsix` puts into `bundled/bundle.json`, next to the wheels. */
export interface Bundle {
  /** Directory holding bundle.json. */
  root: string;
  /** Directory of wheels: heapscope and every dependency, for each supported Python. */
  wheels: string;
  /** The pip wheel that installs them. */
  pip: string;
  /** The heapscope version to install. */
  version: string;
  /** The `major.minor` versions the wheels cover. */
  pythons: string[];
  /** Changes whenever any bundled file does: an environment is reused only for the same id. */
  id: string;
}

interface BundleFile {
  heapscope: string;
  pip: string;
  pythons: string[];
  id: string;
}

/** The bundle shipped in `extensionPath/bundled`, or undefined for a build without one. */
export function readBundle(extensionPath: string): Bundle | undefined {
  const root = path.join(extensionPath, 'bundled');
  let data: BundleFile;
  try {
    data = JSON.parse(fs.readFileSync(path.join(root, 'bundle.json'), 'utf8')) as BundleFile;
  } catch {
    return undefined;
  }
  if (typeof data.heapscope !== 'string' || typeof data.pip !== 'string' || !Array.isArray(data.pythons) || typeof data.id !== 'string') {
    return undefined;
  }
  return { root, wheels: path.join(root, 'wheels'), pip: path.join(root, data.pip), version: data.heapscope, pythons: data.pythons, id: data.id };
}

/** A way to run a Python: the executable and arguments before the script (e.g. `conda run -n x python`). */
export interface PythonCommand {
  command: string;
  args: string[];
  /** Where it came from, for messages ("the Python extension's environment"). */
  label: string;
}

export interface PythonInfo {
  /** `sys.executable`: the interpreter itself, whatever launcher found it. */
  executable: string;
  version: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  error?: NodeJS.ErrnoException;
}

/**
 * The environment for Python and pip: without the user's pip configuration (an index, extra
 * find-links or constraints of theirs must not change what the bundle installs) and without
 * PYTHONPATH/PYTHONHOME, which would mix other packages into the private environment.
 */
export function isolatedEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!/^(PIP_|PYTHONPATH$|PYTHONHOME$)/i.test(name)) {
      clean[name] = value;
    }
  }
  return { ...clean, PIP_CONFIG_FILE: os.devNull, PYTHONNOUSERSITE: '1' };
}

/** Run a program without a shell; never rejects. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20, windowsHide: true, env: isolatedEnvironment() },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = failure ? (typeof failure.code === 'number' ? failure.code : null) : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code, error: failure && typeof failure.code === 'string' ? failure : undefined });
      },
    );
  });
}

const PROBE = 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])';

/** The interpreter behind `python` and its version, or why it cannot be used. */
export async function probePython(python: PythonCommand): Promise<PythonInfo | { problem: string }> {
  const result = await run(python.command, [...python.args, '-I', '-c', PROBE], { timeoutMs: 30_000 });
  if (result.error?.code === 'ENOENT') {
    return { problem: `${python.label}: ${python.command} not found` };
  }
  const [executable, version] = result.stdout.trim().split(/\r?\n/);
  if (result.code !== 0 || !executable || !/^\d+\.\d+$/.test(version ?? '')) {
    const detail = result.stderr.trim().split(/\r?\n/).pop() || result.error?.message || `exit code ${result.code}`;
    return { problem: `${python.label}: ${python.command} did not run (${detail})` };
  }
  return { executable, version };
}

/** Compare `major.minor` strings numerically. */
export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export interface Choice {
  python?: PythonCommand;
  info?: PythonInfo;
  /** One entry per candidate passed over, saying why. */
  rejected: string[];
}

/**
 * The first candidate that runs and has a version the server supports: at least
 * MINIMUM_PYTHON and, with a bundle, one the bundle has wheels for.
 */
export async function choosePython(candidates: readonly PythonCommand[], supported?: readonly string[]): Promise<Choice> {
  const rejected: string[] = [];
  const seen = new Set<string>();
  for (const python of candidates) {
    const info = await probePython(python);
    if ('problem' in info) {
      rejected.push(info.problem);
      continue;
    }
    if (seen.has(info.executable)) {
      continue;
    }
    seen.add(info.executable);
    if (compareVersions(info.version, MINIMUM_PYTHON) < 0) {
      rejected.push(`${python.label}: ${info.executable} is Python ${info.version}`);
    } else if (supported && !supported.includes(info.version)) {
      rejected.push(`${python.label}: ${info.executable} is Python ${info.version}, which the bundled server has no wheels for`);
    } else {
      return { python, info, rejected };
    }
  }
  return { rejected };
}

/** The Pythons to try after the Python extension's: what a terminal would run, newest first after that. */
export function defaultPythons(platform: NodeJS.Platform = process.platform): PythonCommand[] {
  if (platform === 'win32') {
    return [
      { command: 'python', args: [], label: 'PATH' },
      { command: 'py', args: ['-3'], label: 'the py launcher' },
    ];
  }
  return ['python3', 'python3.13', 'python3.12', 'python3.11', 'python3.10'].map((command) => ({ command, args: [], label: 'PATH' }));
}

/** The interpreter inside a virtual environment. */
export function environmentPython(directory: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(directory, 'Scripts', 'python.exe') : path.join(directory, 'bin', 'python');
}

const STAMP = 'heapscope-environment.json';
const PREFIX = 'server-';

/** Where the environment for this bundle and base interpreter lives. */
export function environmentDirectory(storage: string, bundle: Bundle, base: PythonInfo): string {
  const key = crypto.createHash('sha256').update(`${bundle.id}\n${base.executable}`).digest('hex').slice(0, 16);
  return path.join(storage, `${PREFIX}${key}`);
}

export class EnvironmentError extends Error {
  constructor(
    message: string,
    /** What the failing step printed, for the output channel. */
    readonly details = '',
  ) {
    super(message);
  }
}

/** True when `directory` holds a finished environment (the stamp is written last, before the rename). */
export function isReady(directory: string): boolean {
  return fs.existsSync(path.join(directory, STAMP)) && fs.existsSync(environmentPython(directory));
}

/**
 * The Python of a ready environment for `bundle` on `base`, creating it when needed.
 * `log` gets one line per step. Throws EnvironmentError with one sentence on failure.
 */
export async function ensureEnvironment(storage: string, bundle: Bundle, base: PythonInfo, log: (line: string) => void = () => undefined): Promise<string> {
  const directory = environmentDirectory(storage, bundle, base);
  if (isReady(directory)) {
    return environmentPython(directory);
  }
  fs.mkdirSync(storage, { recursive: true });
  const temporary = `${directory}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    await createEnvironment(temporary, bundle, base, log);
    try {
      fs.renameSync(temporary, directory);
    } catch (error) {
      // Another window finished first: use its environment.
      if (!isReady(directory)) {
        throw new EnvironmentError(`Heapscope could not move its new Python environment into ${directory}: ${(error as Error).message}`);
      }
      log(`another window set up ${directory} first; using it`);
    }
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
  removeStaleEnvironments(storage, bundle, directory, log);
  return environmentPython(directory);
}

async function createEnvironment(directory: string, bundle: Bundle, base: PythonInfo, log: (line: string) => void): Promise<void> {
  log(`creating a Python ${base.version} environment from ${base.executable}`);
  const venv = await run(base.executable, ['-m', 'venv', '--without-pip', directory], { timeoutMs: 120_000 });
  if (venv.code !== 0) {
    throw new EnvironmentError(
      `Heapscope could not create a Python environment with ${base.executable} (python -m venv failed: ${lastLine(venv)}).`,
      venv.stderr,
    );
  }
  const python = environmentPython(directory);
  log(`installing heapscope ${bundle.version} and its dependencies from the bundled wheels (offline)`);
  const install = await run(
    python,
    [
      // pip runs straight from its wheel: the wheel's pip/__main__.py puts the wheel on sys.path.
      path.join(bundle.pip, 'pip'),
      'install',
      '--no-index',
      '--find-links',
      bundle.wheels,
      '--only-binary',
      ':all:',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--no-input',
      '--no-warn-script-location',
      `heapscope==${bundle.version}`,
    ],
    { timeoutMs: 600_000 },
  );
  if (install.code !== 0) {
    throw new EnvironmentError(
      `Heapscope could not install its bundled server into Python ${base.version} (${base.executable}): ${lastLine(install)}`,
      `${install.stdout}\n${install.stderr}`,
    );
  }
  const check = await run(python, ['-c', 'import heapscope.lsp.server'], { timeoutMs: 120_000 });
  if (check.code !== 0) {
    throw new EnvironmentError(`Heapscope's bundled server does not import with Python ${base.version}: ${lastLine(check)}`, check.stderr);
  }
  const stamp = { heapscope: bundle.version, bundle: bundle.id, base: base.executable, python: base.version };
  fs.writeFileSync(path.join(directory, STAMP), JSON.stringify(stamp, null, 2));
}

/**
 * Environments made from an earlier bundle (an updated extension), and set-ups abandoned over a
 * day ago. Environments of the same bundle on other interpreters stay: another workspace may use
 * one.
 */
function removeStaleEnvironments(storage: string, bundle: Bundle, keep: string, log: (line: string) => void): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(storage)) {
    const entry = path.join(storage, name);
    if (!name.startsWith(PREFIX) || entry === keep) {
      continue;
    }
    try {
      if (name.includes('.tmp-')) {
        if (fs.statSync(entry).mtimeMs > dayAgo) {
          continue; // another window may be filling it right now
        }
      } else if (stampOf(entry)?.bundle === bundle.id) {
        continue;
      }
      fs.rmSync(entry, { recursive: true, force: true });
      log(`removed the old environment ${entry}`);
    } catch {
      // in use (Windows keeps running executables locked): try again next time
    }
  }
}

function stampOf(directory: string): { bundle?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, STAMP), 'utf8')) as { bundle?: string };
  } catch {
    return undefined;
  }
}

/** The last thing the step said: its stderr's last line (pip's ERROR line), else stdout's. */
function lastLine(result: RunResult): string {
  for (const stream of [result.stderr, result.stdout]) {
    const line = stream.trim().split(/\r?\n/).pop()?.trim();
    if (line) {
      return line;
    }
  }
  return result.error?.message || `exit code ${result.code}`;
}
