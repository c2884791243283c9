// End to end in a real VS Code (code-server) driven by headless Chromium through playwright-core:
// install the .vsix, open a copy of examples/, start the leaky example under --inspect on a port
// the attach picker scans, run "Heapscope: Find Leaks" from the command palette, pick the
// inspector, and check that the Problems panel lists the leak at its line and that a code lens
// sits above it. Everything listens on 127.0.0.1 only. Screenshots go to e2e/output/.
//
// Environment: CODE_SERVER_DIR (default e2e/.code-server, installed by install-code-server.sh when
// missing), CHROMIUM (default /usr/bin/chromium), HEAPSCOPE_PYTHON (default ../.venv/bin/python),
// HEAPSCOPE_E2E_PROGRAM (default examples/leaky-emitter.js), HEAPSCOPE_E2E_INTERVAL (seconds, 5).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.dirname(HERE);
const REPO = path.dirname(CLIENT);
const OUTPUT = path.join(HERE, 'output');
const VSIX = path.join(CLIENT, 'heapscope.vsix');
const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR ?? path.join(HERE, '.code-server');
const CODE_SERVER = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PYTHON = process.env.HEAPSCOPE_PYTHON ?? path.join(REPO, '.venv', 'bin', 'python');
const PROGRAM = path.resolve(process.env.HEAPSCOPE_E2E_PROGRAM ?? path.join(REPO, 'examples', 'leaky-emitter.js'));
const INTERVAL = Number(process.env.HEAPSCOPE_E2E_INTERVAL ?? 5);
const STEP_TIMEOUT = 120_000; // a guard against hangs, not a speed requirement

const children = [];
let scratch;
const log = (message) => console.log(`[e2e] ${message}`);

function fail(message) {
  console.error(`[e2e] FAILED: ${message}`);
  console.log('0 passed, 1 failed');
  cleanup();
  process.exit(1);
}

function cleanup() {
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill();
    }
  }
  if (scratch) {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function freePort(low, high) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  return (async () => {
    for (let port = low; port <= high; port++) {
      if (await tryPort(port)) {
        return port;
      }
    }
    throw new Error(`no free port in ${low}–${high}`);
  })();
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer`);
}

function checkPrerequisites() {
  if (!fs.existsSync(VSIX)) {
    fail(`${VSIX} is missing: run npm run package first (npm run e2e does).`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    fail(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM.`);
  }
  if (!fs.existsSync(PYTHON)) {
    fail(`no Python at ${PYTHON}: run make install at the top level, or set HEAPSCOPE_PYTHON.`);
  }
  if (!fs.existsSync(CODE_SERVER)) {
    log(`code-server is not in ${CODE_SERVER_DIR}; installing it (a few minutes, once)`);
    try {
      execFileSync(path.join(HERE, 'install-code-server.sh'), [CODE_SERVER_DIR], { stdio: 'inherit' });
    } catch {
      fail('could not install code-server (see its output above).');
    }
  }
}

function leakLineOf(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => /LEAK LINE|emitter\.on\('leak'/.test(line));
  if (index < 0) {
    fail(`${file} has no line marked LEAK LINE or emitter.on('leak'`);
  }
  return index + 1;
}

function startInspectedProgram(program, port, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--inspect=127.0.0.1:${port}`, program], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('Debugger listening on')) {
        resolve(child);
      }
    });
    child.on('exit', () => reject(new Error(`the program exited: ${stderr}`)));
  });
}

/** Run a palette command by its title and wait for the palette to close or go on to a picker. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
}

async function main() {
  checkPrerequisites();
  fs.mkdirSync(OUTPUT, { recursive: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-e2e-'));
  const workspace = path.join(scratch, 'examples');
  fs.cpSync(path.dirname(PROGRAM), workspace, { recursive: true, filter: (source) => !source.includes(`${path.sep}.heapscope`) });
  const program = path.join(workspace, path.basename(PROGRAM));
  const leakLine = leakLineOf(program);
  const userData = path.join(scratch, 'user-data');
  const extensions = path.join(scratch, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'heapscope.python': PYTHON,
        'heapscope.findLeaks.interval': INTERVAL,
        'heapscope.autoAttach': 'never',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'editor.codeLens': true,
      },
      null,
      2,
    ),
  );
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const codeServerArgs = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

  log(`installing ${path.relative(REPO, VSIX)} into code-server`);
  execFileSync(process.execPath, [CODE_SERVER, ...codeServerArgs, '--install-extension', VSIX], { stdio: 'inherit' });

  const inspectorPort = await freePort(9229, 9239);
  log(`starting ${path.basename(program)} with its inspector on 127.0.0.1:${inspectorPort} (leak line ${leakLine})`);
  await startInspectedProgram(program, inspectorPort, workspace);

  const port = await freePort(18080, 18180);
  const server = spawn(
    process.execPath,
    [CODE_SERVER, ...codeServerArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-workspace-trust', '--disable-update-check', workspace],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: process.env.HOME } },
  );
  children.push(server);
  const serverLog = fs.createWriteStream(path.join(OUTPUT, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  log(`code-server is up on 127.0.0.1:${port}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(STEP_TIMEOUT);
  const shot = (name) => page.screenshot({ path: path.join(OUTPUT, `${name}.png`) });
  try {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    await page.locator('.statusbar').waitFor({ state: 'visible' });
    log('workbench loaded; opening the program');

    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(path.basename(program));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(program) }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor();

    log('running "Heapscope: Find Leaks" from the command palette');
    await runCommand(page, 'Heapscope: Find Leaks');
    const inspectorRow = page.locator('.quick-input-list .monaco-list-row', { hasText: `127.0.0.1:${inspectorPort}` }).first();
    await inspectorRow.waitFor({ state: 'visible' });
    await shot('attach-picker');
    await inspectorRow.click();
    log(`attached; waiting for the analysis (three snapshots ${INTERVAL} s apart)`);

    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'Leak' }).first();
    await problems.waitFor({ state: 'visible', timeout: STEP_TIMEOUT + INTERVAL * 3000 });
    const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
    log(`Problems panel: ${rows.join(' | ')}`);
    const leakRow = rows.find((text) => text.includes('Leak') && new RegExp(`\\[Ln ${leakLine}, Col \\d+\\]`).test(text));
    if (!leakRow) {
      await shot('failure');
      fail(`the Problems panel has no leak at line ${leakLine}: ${rows.join(' | ')}`);
    }
    const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'Show retainers' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    const lensText = await lens.textContent();
    log(`code lens: ${lensText}`);
    await shot('find-leaks');
    log(`screenshot: ${path.relative(REPO, path.join(OUTPUT, 'find-leaks.png'))}`);
    console.log('1 passed, 0 failed');
  } catch (error) {
    await shot('failure').catch(() => undefined);
    await browser.close();
    fail(`${error.message.split('\n')[0]} (screenshot: e2e/output/failure.png, log: e2e/output/code-server.log)`);
  } finally {
    await browser.close();
    cleanup();
  }
}

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
main().catch((error) => fail(error.stack ?? String(error)));
