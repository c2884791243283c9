// Builds the platform .vsix: the esbuild bundle, then bundled/ (scripts/bundle_wheels.py: the
// heapscope wheel, every dependency as wheels for each supported Python on the target platform
// and the pip wheel that installs them), then `vsce package --target`. The extension installs bundled/ offline into a
// private environment on first use (src/logic/environment.ts).
//
// Usage: node scripts/package.mjs --wheel dist/heapscope-….whl [--python PYTHON] [--target linux-x64]
//   --wheel   the heapscope wheel built for the target platform (make wheel builds it)
//   --python  a Python with pip and packaging, used to download the dependency wheels (default python3)
//   --target  a vsce target: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64
//             (default: this machine's)
// Writes heapscope-TARGET.vsix. Downloads come from the package index pip is configured for.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLIENT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPO = path.dirname(CLIENT);
const BUNDLED = path.join(CLIENT, 'bundled');
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

const { values } = parseArgs({
  options: {
    wheel: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    target: { type: 'string', default: `${process.platform}-${process.arch}` },
  },
});
const target = values.target;
if (!TARGETS.includes(target)) {
  console.error(`package.mjs: no recipe for the target ${target} (known: ${TARGETS.join(', ')})`);
  process.exit(2);
}
if (!values.wheel || !fs.existsSync(values.wheel)) {
  console.error(`package.mjs: --wheel must name the heapscope wheel for ${target} (make wheel builds it): ${values.wheel ?? 'missing'}`);
  process.exit(2);
}

const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', cwd: CLIENT, ...options });

run('npm', ['run', 'build', '--', '--production']);

run(values.python, [path.join(CLIENT, 'scripts', 'bundle_wheels.py'), '--target', target, '--dest', BUNDLED, values.wheel]);

// vsce takes the licence from the extension's folder; the project has one, at the top.
fs.copyFileSync(path.join(REPO, 'LICENSE'), path.join(CLIENT, 'LICENSE'));
const output = `heapscope-${target}.vsix`;
// The project has no public repository address, so the manifest names none (no made-up URL);
// vsce needs to be told that this is on purpose.
run(path.join(CLIENT, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce'), [
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--target',
  target,
  '--out',
  output,
]);
console.log(`[package] ${path.join(CLIENT, output)}`);
