// End to end in a real VS Code (code-server) driven by headless Chromium through playwright-core:
// install the platform .vsix as a user would, on a machine whose Python has no heapscope and with
// no heapscope.python setting, open a copy of examples/, start the leaky example under --inspect
// on a port the attach picker scans, check that nothing notifies before a Heapscope command, run
// "Heapscope: Find Leaks" from the command palette (the extension sets up the server it carries
// on this first use), pick the inspector, and check that the Problems panel lists the leak at its
// line, that the status bar (not a notification) says the run is over, and that a code lens sits
// above it giving the same numbers as the hover and the Leaks view. Then the memory monitor and its
// chart, attaching through a debug session, Open Snapshot File… (a status bar line, no
// notification) and a wrong interpreter. Everything listens on 127.0.0.1 only. Screenshots go to
// e2e/output/.
//
// Environment: VSIX (default heapscope-linux-x64.vsix, built by make vsix), CODE_SERVER_DIR
// (default e2e/.code-server, installed by install-code-server.sh when missing), CHROMIUM (default
// /usr/bin/chromium), HEAPSCOPE_E2E_PROGRAM (default examples/leaky-emitter.js),
// HEAPSCOPE_E2E_INTERVAL (seconds, 5).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.dirname(HERE);
const REPO = path.dirname(CLIENT);
const OUTPUT = path.join(HERE, 'output');
const VSIX = path.resolve(process.env.VSIX ?? path.join(CLIENT, 'heapscope-linux-x64.vsix'));
const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR ?? path.join(HERE, '.code-server');
const CODE_SERVER = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PROGRAM = path.resolve(process.env.HEAPSCOPE_E2E_PROGRAM ?? path.join(REPO, 'examples', 'leaky-emitter.js'));
const INTERVAL = Number(process.env.HEAPSCOPE_E2E_INTERVAL ?? 5);
const STEP_TIMEOUT = 120_000; // a guard against hangs, not a speed requirement
// First use installs the bundled wheels (numpy among them) into a new environment.
const SETUP_TIMEOUT = 600_000;

const children = [];
const checks = [];
let scratch;
const log = (message) => console.log(`[e2e] ${message}`);

function fail(message) {
  console.error(`[e2e] FAILED: ${message}`);
  if (scratch) {
    const logs = fs.readdirSync(scratch, { recursive: true }).filter((file) => /Heapscope\.log$/.test(String(file)));
    for (const file of logs) {
      fs.copyFileSync(path.join(scratch, String(file)), path.join(OUTPUT, 'heapscope-output.log'));
    }
    console.error(`[e2e] the editor's logs are kept in ${scratch}`);
  }
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
}

/**
 * Start a server on the first port of `low`–`high` it can bind: the bind itself is the check
 * (no probe that another process could beat). `start(port)` spawns it; the server is up when
 * its output matches `ready`, and the port was taken when its output matches `taken` or it
 * exits first, in which case it is stopped and the next port is tried.
 */
async function listenOnFreePort(what, low, high, start, { ready, taken, timeoutMs }) {
  const attempts = [];
  for (let port = low; port <= high; port++) {
    const child = start(port);
    children.push(child);
    const outcome = await new Promise((resolve) => {
      let output = '';
      const timer = setTimeout(() => resolve({ up: false, output: `${output}\n(no answer in ${timeoutMs / 1000} s)` }), timeoutMs);
      const settle = (result) => {
        clearTimeout(timer);
        resolve(result);
      };
      const read = (chunk) => {
        output += chunk;
        if (ready(port).test(output)) {
          settle({ up: true, output });
        } else if (taken.test(output)) {
          settle({ up: false, output });
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => settle({ up: false, output: `${output}\n(exited with ${code})` }));
    });
    if (outcome.up) {
      return { child, port };
    }
    child.kill();
    attempts.push(`${port}: ${outcome.output.trim().split('\n').slice(-2).join(' ')}`);
  }
  throw new Error(`${what} could bind none of the ports ${low}–${high}:\n${attempts.join('\n')}`);
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

/** The environment code-server runs in: this one, minus any virtual environment of the repository. */
function editorEnvironment() {
  const venv = process.env.VIRTUAL_ENV;
  const entries = (process.env.PATH ?? '').split(path.delimiter).filter((entry) => {
    const resolved = path.resolve(entry);
    return !(venv && resolved.startsWith(path.resolve(venv))) && !resolved.startsWith(path.join(REPO, '.venv'));
  });
  const env = { ...process.env, PATH: entries.join(path.delimiter) };
  delete env.VIRTUAL_ENV;
  delete env.PYTHONPATH;
  return env;
}

/** What the extension wrote to its output channel so far. */
function heapscopeLog() {
  const logs = fs.readdirSync(scratch, { recursive: true }).map(String).filter((file) => /Heapscope\.log$/.test(file));
  return logs.map((file) => fs.readFileSync(path.join(scratch, file), 'utf8')).join('\n');
}

/** The extension's global storage under code-server's user data. */
function extensionStorage(userData) {
  return path.join(userData, 'User', 'globalStorage', 'heapscope.heapscope');
}

function checkPrerequisites() {
  if (!fs.existsSync(VSIX)) {
    fail(`${VSIX} is missing: run make vsix first (make e2e does).`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    fail(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM.`);
  }
  // The editor's machine as a stranger's: a python3 on PATH, without heapscope.
  try {
    execFileSync('python3', ['-c', 'import heapscope'], { stdio: 'ignore', env: editorEnvironment() });
    fail('python3 on PATH can import heapscope: run the e2e from a shell without the repository\'s .venv on PATH.');
  } catch (error) {
    if (error.code === 'ENOENT') {
      fail('no python3 on PATH: the extension needs a Python 3.10+ to set up its server.');
    }
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

/** The program under --inspect on a port of 9229–9239 (the ones the attach picker scans). */
function startInspectedProgram(program, cwd) {
  return listenOnFreePort(
    'the inspector',
    9229,
    9239,
    (port) => spawn(process.execPath, [`--inspect=127.0.0.1:${port}`, program], { cwd, stdio: ['ignore', 'ignore', 'pipe'] }),
    // Node keeps running the program without an inspector when the port is taken.
    { ready: (port) => new RegExp(`Debugger listening on ws://127\\.0\\.0\\.1:${port}/`), taken: /Starting inspector on .* failed/, timeoutMs: 20_000 },
  );
}

/** Points on the chart's heap-used line; the webview is an iframe inside an iframe. */
async function chartPoints(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const points = await frame
        .$eval('#chart polyline[data-series="heapUsed"]', (line) => line.getAttribute('points').trim().split(/\s+/).length)
        .catch(() => 0);
      if (points) {
        return points;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the memory chart did not appear');
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
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT, { recursive: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-e2e-'));
  const workspace = path.join(scratch, 'examples');
  fs.cpSync(path.dirname(PROGRAM), workspace, { recursive: true, filter: (source) => !source.includes(`${path.sep}.heapscope`) });
  const program = path.join(workspace, path.basename(PROGRAM));
  const leakLine = leakLineOf(program);
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'launch.json'),
    JSON.stringify({
      version: '0.2.0',
      configurations: [{ type: 'node', request: 'launch', name: 'Leaky program', program: program, console: 'internalConsole' }],
    }),
  );
  const userData = path.join(scratch, 'user-data');
  const extensions = path.join(scratch, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'heapscope.findLeaks.interval': INTERVAL,
        'heapscope.autoAttach': 'ask',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'editor.codeLens': true,
        'heapscope.trace.server': 'messages',
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

  const { port: inspectorPort } = await startInspectedProgram(program, workspace);
  log(`started ${path.basename(program)} with its inspector on 127.0.0.1:${inspectorPort} (leak line ${leakLine})`);

  const { child: server, port } = await listenOnFreePort(
    'code-server',
    18080,
    18180,
    (candidate) =>
      spawn(
        process.execPath,
        [CODE_SERVER, ...codeServerArgs, '--bind-addr', `127.0.0.1:${candidate}`, '--auth', 'none', '--disable-telemetry', '--disable-workspace-trust', '--disable-update-check', workspace],
        { stdio: ['ignore', 'pipe', 'pipe'], env: editorEnvironment() },
      ),
    { ready: (candidate) => new RegExp(`HTTP server listening on http://127\\.0\\.0\\.1:${candidate}/`), taken: /EADDRINUSE/, timeoutMs: 60_000 },
  );
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

    // Opening a JavaScript file in a Node project before any Heapscope command: no notification
    // (the extension starts nothing until asked). A pause long enough for a start-up toast.
    await page.waitForTimeout(8000);
    const early = await page.locator('.notification-toast').allTextContents();
    if (early.length) {
      await shot('failure');
      fail(`notifications before any Heapscope command: ${early.join(' | ')}`);
    }
    checks.push('no notification before a Heapscope command');

    log('running "Heapscope: Find Leaks" from the command palette');
    const setupStarted = Date.now();
    await runCommand(page, 'Heapscope: Find Leaks');
    const inspectorRow = page.locator('.quick-input-list .monaco-list-row', { hasText: `127.0.0.1:${inspectorPort}` }).first();
    await inspectorRow.waitFor({ state: 'visible', timeout: SETUP_TIMEOUT });
    await shot('attach-picker');
    await inspectorRow.click();
    // The first command sets up the server the .vsix carries, with a progress notification.
    const setup = page.locator('.notification-toast', { hasText: 'setting up its language server' }).first();
    if (await setup.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false)) {
      log(`first use: ${(await setup.innerText()).split('\n')[0]}`);
      await shot('first-use-setup');
    }
    log(`attached; waiting for the analysis (three snapshots ${INTERVAL} s apart)`);

    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'Leak' }).first();
    await problems.waitFor({ state: 'visible', timeout: SETUP_TIMEOUT + INTERVAL * 3000 });
    log(`first leak shown ${Math.round((Date.now() - setupStarted) / 1000)} s after the command`);
    // The end of the run is a status bar line (shown for 10 s), not a notification.
    const finished = page.locator('.statusbar-item', { hasText: /Heapscope found \d+ leaks? \(Problems, Leaks view\)/ }).first();
    const finishedText = await finished.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => finished.innerText(),
      () => undefined,
    );
    if (!finishedText) {
      await shot('failure');
      fail(`no "Heapscope found N leaks" line in the status bar: ${(await page.locator('.statusbar-item').allInnerTexts()).join(' | ')}`);
    }
    log(`status bar: ${finishedText.trim()}`);
    const foundToasts = (await page.locator('.notification-toast').allInnerTexts()).filter((text) => /found (\d+|no) leak/i.test(text));
    if (foundToasts.length) {
      await shot('failure');
      fail(`Find Leaks showed a notification: ${foundToasts.join(' | ')}`);
    }
    const started = /Starting the Heapscope language server: (\S+) -m heapscope serve/.exec(heapscopeLog());
    if (!started || !started[1].startsWith(extensionStorage(userData))) {
      fail(`the server did not start from the extension's own environment: ${started?.[0] ?? heapscopeLog()}`);
    }
    log(`server interpreter: ${started[1]}`);
    checks.push('server set up from the .vsix on first use');
    const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
    log(`Problems panel: ${rows.join(' | ')}`);
    const leakRow = rows.find((text) => text.includes('Leak') && new RegExp(`\\[Ln ${leakLine}, Col \\d+\\]`).test(text));
    if (!leakRow) {
      await shot('failure');
      fail(`the Problems panel has no leak at line ${leakLine}: ${rows.join(' | ')}`);
    }
    const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'Show retainers' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    const lensText = (await lens.textContent()).trim();
    log(`code lens: ${lensText}`);
    await shot('find-leaks');
    log(`screenshot: ${path.relative(REPO, path.join(OUTPUT, 'find-leaks.png'))}`);
    checks.push('Problems panel, status bar line and code lens, no notification');

    // The lens gives totals with their growth, labelled; the hover on the same line says the same.
    // Other lenses on the line (Verify fix) follow after a bar.
    const leakLens = lensText.split(/\s*\|\s*/).find((part) => part.startsWith('▲')) ?? lensText;
    const numbers = /^▲ (.+) · Show retainers$/.exec(leakLens)?.[1];
    if (!numbers || !/^[\d,]+ listeners \(\+[\d,]+\) · [\d.]+ [kM]B retained \(\+[\d.]+ [kM]B\)$/.test(numbers)) {
      fail(`the code lens does not read "▲ N listeners (+n) · S retained (+s) · Show retainers": ${lensText}`);
    }
    await page.locator('.monaco-editor .view-lines').first().click();
    await runCommand(page, 'Go to Line/Column...');
    await page.keyboard.type(String(leakLine));
    await page.keyboard.press('Enter');
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Heapscope' }).first();
    await hover.waitFor({ state: 'visible', timeout: 30_000 });
    const hoverText = (await hover.innerText()).replace(/\s+/g, ' ').trim();
    log(`hover: ${hoverText.slice(0, 400)}`);
    if (!hoverText.includes(numbers)) {
      fail(`the hover does not give the lens's numbers (${numbers}): ${hoverText}`);
    }
    if (!/In each of the 3 snapshots: [\d,]+ → [\d,]+ → [\d,]+ listeners/.test(hoverText)) {
      fail(`the hover does not list the count in each snapshot: ${hoverText}`);
    }
    await shot('hover');
    await page.keyboard.press('Escape');
    checks.push('hover agrees with the code lens');

    // The Leaks view lists the same finding with its place and growth.
    await runCommand(page, 'Heapscope: Focus on Leaks View');
    const treeRow = page.locator('.part.sidebar .monaco-list-row', { hasText: `${path.basename(program)}:${leakLine}` }).first();
    await treeRow.waitFor({ state: 'visible', timeout: 30_000 });
    const treeText = await treeRow.textContent();
    log(`Leaks view: ${treeText}`);
    if (!treeText.includes(`${path.basename(program)}:${leakLine}`) || !treeText.includes(numbers)) {
      fail(`the Leaks view row does not give ${path.basename(program)}:${leakLine} and the lens's numbers (${numbers}): ${treeText}`);
    }
    await shot('leaks-view');
    checks.push('Leaks view');

    // The memory monitor: heap used in the status bar and the chart beside the editor.
    await runCommand(page, 'Heapscope: Start Memory Monitor');
    const status = page.locator('.statusbar-item', { hasText: /\d (kB|MB|GB)/ }).first();
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    log(`status bar: ${await status.textContent()}`);
    const points = await chartPoints(page, 60_000);
    log(`memory chart: ${points} points of heap used`);
    await page.waitForTimeout(3000); // a few more samples, for a chart worth looking at
    const later = await chartPoints(page, 10_000);
    if (later <= points) {
      fail(`the memory chart stopped growing (${points} then ${later} points)`);
    }
    log(`status bar: ${await status.textContent()}`);
    await shot('memory-monitor');
    await runCommand(page, 'Heapscope: Stop Memory Monitor');
    checks.push('memory status bar and chart');

    // A JavaScript debug session: Heapscope offers to attach next to the debugger (CDP proxy).
    await runCommand(page, 'Heapscope: Detach');
    await runCommand(page, 'Debug: Start Debugging');
    const offer = page.locator('.notification-toast', { hasText: 'Attach Heapscope to' }).first();
    const launchRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Leaky program' }).first();
    await Promise.race([offer.waitFor({ state: 'visible' }), launchRow.waitFor({ state: 'visible' })]);
    if (await launchRow.isVisible()) {
      await launchRow.click(); // the palette matched "Select and Start Debugging"
    }
    await offer.waitFor({ state: 'visible', timeout: 60_000 });
    log(`debug session: ${(await offer.locator('.notification-list-item-message').textContent()).trim()}`);
    await offer.locator('.monaco-button', { hasText: /^Attach$/ }).click();
    // The question was the one notification of this attach: the status bar confirms it.
    const attachedItem = page.locator('.statusbar-item[aria-label*="Heapscope"]', { hasText: 'Heapscope' }).first();
    await attachedItem.waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForTimeout(2000);
    const afterAttach = await page.locator('.notification-toast').allTextContents();
    if (afterAttach.some((text) => /Heapscope attached|js-debug:\/\//.test(text))) {
      fail(`attaching to the debug session showed another notification: ${afterAttach.join(' | ')}`);
    }
    await runCommand(page, 'Heapscope: Take Heap Snapshot');
    const saved = page.locator('.notification-toast', { hasText: 'Heap snapshot saved' }).first();
    await saved.waitFor({ state: 'visible', timeout: 60_000 });
    const savedText = (await saved.locator('.notification-list-item-message').textContent()).trim();
    log(`through the debugger: ${savedText}`);
    await shot('debug-session');
    await page.keyboard.press('Shift+F5'); // stop debugging
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    checks.push('attach through a JavaScript debug session');

    // Open Snapshot File… on the snapshot just saved, typed into the editor's file dialog: the
    // summary ends the progress and shows in the status bar, with no notification.
    const snapshotFile = path.join(workspace, /Heap snapshot saved: (\S+\.heapsnapshot)/.exec(savedText)?.[1] ?? '');
    if (!fs.existsSync(snapshotFile) || !snapshotFile.endsWith('.heapsnapshot')) {
      fail(`the saved snapshot is not where the notification says: ${savedText}`);
    }
    await runCommand(page, 'Heapscope: Open Snapshot File');
    const dialogRow = (name) => page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    // The dialog starts in the workspace folder and fills in its path itself: type after that.
    await dialogRow(path.basename(program)).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input').fill(snapshotFile);
    await dialogRow(path.basename(snapshotFile)).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const opened = page.locator('.statusbar-item', { hasText: `Heapscope opened ${path.basename(snapshotFile)}:` }).first();
    await opened.waitFor({ state: 'visible', timeout: STEP_TIMEOUT * 2 });
    const openedText = (await opened.innerText()).trim();
    log(`Open Snapshot: ${openedText}`);
    if (!/: [\d,]+ objects, [\d.]+ [kMG]?B$/.test(openedText)) {
      fail(`the Open Snapshot status line does not give the object count and size: ${openedText}`);
    }
    const openedToasts = (await page.locator('.notification-toast').allInnerTexts()).filter((text) => /Opened /.test(text));
    if (openedToasts.length) {
      await shot('failure');
      fail(`Open Snapshot showed a notification: ${openedToasts.join(' | ')}`);
    }
    await shot('open-snapshot');
    checks.push('Open Snapshot: status bar line, no notification');

    // A wrong interpreter: one sentence and an "Open settings" button, not a stack trace.
    // Set through the Settings editor as a user would; the extension restarts its server.
    await runCommand(page, 'Preferences: Open User Settings');
    await page.locator('.settings-editor').waitFor({ state: 'visible' });
    // heapscope.python is machine-scoped: in code-server that is the Remote tab.
    await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).click();
    await page.locator('.settings-editor .suggest-input-container').click();
    await page.keyboard.type('heapscope.python');
    const pythonInput = page.locator('.settings-editor .setting-item-contents', { hasText: 'Python interpreter that runs' }).locator('input').first();
    await pythonInput.waitFor({ state: 'visible' });
    await pythonInput.fill('/nonexistent/python3');
    await pythonInput.press('Tab');
    const toast = page.locator('.notification-toast', { hasText: 'was not found' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const toastText = (await toast.locator('.notification-list-item-message').innerText()).trim();
    log(`wrong interpreter: ${toastText}`);
    if (!toastText.includes('/nonexistent/python3')) {
      fail(`the start failure does not name the interpreter: ${toastText}`);
    }
    if (!(await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Open settings' }).count())) {
      fail('the start failure has no "Open settings" button');
    }
    await shot('wrong-python');
    checks.push('start failure message');
    console.log(`${checks.length} passed, 0 failed`);
  } catch (error) {
    await shot('failure').catch(() => undefined);
    await browser.close();
    fail(`${error.message.split('\n')[0]} (screenshot: e2e/output/failure.png, log: e2e/output/code-server.log)`);
  } finally {
    await browser.close();
    cleanup();
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
main().catch((error) => fail(error.stack ?? String(error)));
