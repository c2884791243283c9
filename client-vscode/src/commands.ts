/**
 * The palette commands. Each one gathers what the server needs (a target, snapshot paths, a
 * finding) through the editor's pickers, then calls the server's `workspace/executeCommand`
 * (docs/ARCHITECTURE.md). The server reports failures with showMessage and ends each long
 * step's progress with its outcome; commands here add a status bar line when a result the user
 * asked for is in, and only notify when the client itself has something to ask or say.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseAttachTarget, DebugSessions } from './attach';
import { HeapscopeClient } from './client';
import { FindingsView, OPEN_LOCATION_COMMAND, openLocation } from './findingsView';
import { findingsAt, Finding, kindLabel, locationLabel, parseReport, reportStatus, RetainerHop, SourceLocation } from './logic/findings';
import { positiveSeconds, USED_KEY } from './logic/settings';
import { SnapshotEntry, snapshotStatus } from './logic/snapshots';
import { describeTarget } from './logic/targets';
import { MonitorView } from './monitorView';
import { HeapscopeStatusBar } from './statusBar';

/** What the client knows about the server's session, from `heapscope/status` and command results. */
export class SessionState {
  attached = false;
  target: string | undefined;
  /** What the user knows the target by ("app.js (process 4242)"), from the server. */
  description: string | undefined;
  monitoring = false;
}

/** An attached target as the server reports it. */
export interface AttachedTarget {
  target: string;
  description?: string;
}

export class Commands {
  constructor(
    private readonly client: HeapscopeClient,
    private readonly state: SessionState,
    private readonly sessions: DebugSessions,
    private readonly findings: FindingsView,
    private readonly monitor: MonitorView,
    private readonly statusBar: HeapscopeStatusBar,
    private readonly workspaceState: vscode.Memento,
  ) {}

  register(): vscode.Disposable[] {
    const commands: Record<string, (...args: any[]) => unknown> = {
      'heapscope.ui.attach': () => this.attach(),
      'heapscope.ui.detach': () => this.detach(),
      'heapscope.ui.takeSnapshot': () => this.takeSnapshot(),
      'heapscope.ui.findLeaks': () => this.findLeaks(),
      'heapscope.ui.compareSnapshots': () => this.compareSnapshots(),
      'heapscope.ui.openSnapshot': (uri?: vscode.Uri) => this.openSnapshot(uri),
      'heapscope.ui.startMonitor': () => this.startMonitor(),
      'heapscope.ui.stopMonitor': () => this.stopMonitor(),
      'heapscope.ui.showMonitor': () => this.monitor.show(),
      'heapscope.ui.showRetainers': (row?: { findingId?: string }) => this.showRetainers(row?.findingId),
      'heapscope.ui.verifyFix': (row?: { findingId?: string }) => this.verifyFix(row?.findingId),
      'heapscope.ui.clear': () => this.clear(),
      'heapscope.ui.restartServer': () => this.client.restart(),
      'heapscope.ui.showOutput': () => this.client.output.show(),
      [OPEN_LOCATION_COMMAND]: (location?: SourceLocation) => openLocation(location),
    };
    return Object.entries(commands).map(([id, handler]) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        // From now on this workspace uses Heapscope: a debug session may offer attaching with a notification.
        void this.workspaceState.update(USED_KEY, true);
        try {
          return await handler(...args);
        } catch (error) {
          // The server answers errors with showMessage itself; this is for the transport failing.
          const message = `Heapscope: ${(error as Error).message ?? String(error)}`;
          this.client.output.appendLine(message);
          void vscode.window.showErrorMessage(message);
          return undefined;
        }
      }),
    );
  }

  // ---------------------------------------------------------------- target

  /**
   * Attach to `target` (or ask which). `asked`: the user just answered a notification about
   * it, so the server confirms in the status bar only — one notification per attach.
   */
  async attach(target?: string, asked = false): Promise<boolean> {
    const chosen = target ?? (await chooseAttachTarget(this.sessions, this.client));
    if (!chosen) {
      return false;
    }
    const result = await this.client.execute<{ attached?: boolean; target?: string; description?: string }>('heapscope.attach', {
      target: chosen,
      announce: !asked,
    });
    if (result?.attached) {
      this.setAttached({ target: result.target ?? chosen, description: result.description });
      return true;
    }
    return false;
  }

  setAttached(attached: AttachedTarget | undefined): void {
    const wasAttached = this.state.attached;
    this.state.attached = attached !== undefined;
    this.state.target = attached?.target;
    this.state.description = attached ? (attached.description ?? describeTarget(attached.target)) : undefined;
    if (!attached) {
      this.state.monitoring = false;
      void vscode.commands.executeCommand('setContext', 'heapscope.monitoring', false);
      if (wasAttached) {
        // The chart shows one target's memory: it empties with the detach, not with the next attach.
        this.monitor.clear();
      }
    }
    void vscode.commands.executeCommand('setContext', 'heapscope.attached', this.state.attached);
    this.statusBar.setAttached(this.state.description);
    if (attached) {
      this.attachedListeners.forEach((listener) => listener());
    }
  }

  private readonly attachedListeners: Array<() => void> = [];

  /** Called after every attach (the debug-session offer steps aside). */
  onAttached(listener: () => void): void {
    this.attachedListeners.push(listener);
  }

  /** Commands that need a live target offer to attach first rather than failing. */
  private async ensureAttached(): Promise<boolean> {
    return this.state.attached || this.attach();
  }

  async detach(): Promise<void> {
    if (this.client.running) {
      await this.client.execute('heapscope.detach');
    }
    this.setAttached(undefined);
  }

  // ---------------------------------------------------------------- snapshots and analysis

  async takeSnapshot(): Promise<void> {
    if (!(await this.ensureAttached())) {
      return;
    }
    const record = await this.client.execute<SnapshotEntry>('heapscope.takeSnapshot', { label: 'snapshot' });
    if (record?.path) {
      const choice = await vscode.window.showInformationMessage(`Heap snapshot saved: ${this.relative(record.path)}`, 'Compare Snapshots…');
      if (choice) {
        await this.compareSnapshots();
      }
    }
  }

  async findLeaks(): Promise<void> {
    if (!(await this.ensureAttached())) {
      return;
    }
    const interval = positiveSeconds(vscode.workspace.getConfiguration('heapscope').get('findLeaks.interval'));
    const report = await this.client.execute('heapscope.findLeaks', interval ? { interval } : {});
    this.showReport(report, true);
  }

  /** Show a report in the Leaks view; `finished`: the user ran the analysis, say in the status bar that it is over. */
  showReport(raw: unknown, finished = false): void {
    const report = parseReport(raw);
    if (report) {
      this.findings.show(report);
      if (finished) {
        vscode.window.setStatusBarMessage(reportStatus(report), 10_000);
      }
    }
  }

  async openSnapshot(uri?: vscode.Uri): Promise<void> {
    const file =
      uri ??
      (
        await vscode.window.showOpenDialog({
          title: 'Heapscope: open a heap snapshot',
          canSelectMany: false,
          filters: { 'Heap snapshots': ['heapsnapshot'], 'All files': ['*'] },
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        })
      )?.[0];
    if (file) {
      const record = await this.client.execute<SnapshotEntry>('heapscope.openSnapshot', { path: file.fsPath });
      if (record?.path) {
        vscode.window.setStatusBarMessage(snapshotStatus(record), 10_000);
      }
    }
  }

  async compareSnapshots(): Promise<void> {
    const listed = (await this.client.execute<SnapshotEntry[]>('heapscope.listSnapshots')) ?? [];
    const baseline = await this.pickSnapshot(listed, 'Baseline: the snapshot before the suspected leak', false);
    if (!baseline) {
      return;
    }
    const rest = listed.filter((entry) => entry.id !== baseline);
    const target = await this.pickSnapshot(rest, 'Target: a snapshot after the leak had time to grow', false);
    if (!target) {
      return;
    }
    const final = await this.pickSnapshot(rest.filter((entry) => entry.id !== target), 'Final (optional): a third snapshot confirms steady growth', true);
    if (final === undefined) {
      return;
    }
    const report = await this.client.execute('heapscope.compareSnapshots', { baseline, target, ...(final ? { final } : {}) });
    this.showReport(report, true);
  }

  /** A snapshot of this session (by id) or a file; '' for "skip" when optional; undefined when cancelled. */
  private async pickSnapshot(entries: readonly SnapshotEntry[], title: string, optional: boolean): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { value: string | 'browse' };
    const items: Item[] = entries.map((entry) => ({
      label: `$(file-binary) ${entry.label || path.basename(entry.path)}`,
      description: this.relative(entry.path),
      value: entry.id || entry.path,
    }));
    items.push({ label: '$(folder-opened) Browse for a .heapsnapshot file…', value: 'browse' });
    if (optional) {
      items.unshift({ label: '$(arrow-right) Compare two snapshots only', value: '' });
    }
    const choice = await vscode.window.showQuickPick(items, { title: `Heapscope: ${title}`, matchOnDescription: true });
    if (!choice) {
      return undefined;
    }
    if (choice.value !== 'browse') {
      return choice.value;
    }
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Heap snapshots': ['heapsnapshot'] } });
    return files?.[0]?.fsPath;
  }

  // ---------------------------------------------------------------- findings

  async showRetainers(findingId?: string): Promise<void> {
    const finding = findingId ? this.findings.report?.findings.find((f) => f.id === findingId) : await this.pickFinding();
    if (!finding) {
      return;
    }
    const result = await this.client.execute<{ retainerPath?: RetainerHop[] }>('heapscope.showRetainers', { findingId: finding.id });
    const hops = result?.retainerPath ?? finding.retainer_path;
    if (!hops.length) {
      return;
    }
    type Item = vscode.QuickPickItem & { location: SourceLocation | null };
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const items: Item[] = hops.map((hop, index) => ({
      label: `${index === 0 ? '' : '→ '}${hop.edge ? `.${hop.edge} ` : ''}${hop.node}`,
      description: hop.location ? locationLabel(hop.location, root) : undefined,
      location: hop.location,
    }));
    const choice = await vscode.window.showQuickPick(items, {
      title: `Heapscope: what keeps ${finding.title || kindLabel(finding.kind)} alive (GC root first)`,
      placeHolder: 'Choose a step with a source location to open it',
    });
    if (choice?.location) {
      await openLocation(choice.location);
    }
  }

  /** Hunt again in the attached process; the server says "fixed" or "still leaking" and the view updates. */
  async verifyFix(findingId?: string): Promise<void> {
    const finding = findingId ? this.findings.report?.findings.find((f) => f.id === findingId) : await this.pickFinding();
    if (!finding || !(await this.ensureAttached())) {
      return;
    }
    const result = await this.client.execute<{ report?: unknown }>('heapscope.verifyFix', { findingId: finding.id });
    if (result?.report) {
      this.showReport(result.report);
    }
  }

  /** The finding under the cursor if there is one, else a pick among all findings. */
  private async pickFinding(): Promise<Finding | undefined> {
    const report = this.findings.report;
    if (!report?.findings.length) {
      void vscode.window.showInformationMessage('Heapscope has no findings yet: run "Heapscope: Find Leaks" first.');
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const here = findingsAt(report, editor.document.uri.fsPath, editor.selection.active.line + 1);
      if (here.length === 1) {
        return here[0];
      }
    }
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const choice = await vscode.window.showQuickPick(
      report.findings.map((finding) => ({
        label: `${kindLabel(finding.kind)}: ${finding.title || finding.message}`,
        description: locationLabel(finding.location, root),
        finding,
      })),
      { title: 'Heapscope: show the retainers of…' },
    );
    return choice?.finding;
  }

  async clear(): Promise<void> {
    await this.client.execute('heapscope.clear');
    this.findings.show(undefined);
    this.monitor.clear();
  }

  // ---------------------------------------------------------------- memory monitor

  async startMonitor(): Promise<void> {
    if (!(await this.ensureAttached())) {
      return;
    }
    const interval = positiveSeconds(vscode.workspace.getConfiguration('heapscope').get('monitor.interval'));
    const result = await this.client.execute('heapscope.startMonitor', interval ? { interval } : {});
    if (result) {
      this.state.monitoring = true;
      void vscode.commands.executeCommand('setContext', 'heapscope.monitoring', true);
      this.statusBar.setMonitoring(true);
      this.monitor.show(true);
    }
  }

  async stopMonitor(): Promise<void> {
    if (this.client.running) {
      await this.client.execute('heapscope.stopMonitor');
    }
    this.state.monitoring = false;
    void vscode.commands.executeCommand('setContext', 'heapscope.monitoring', false);
    this.statusBar.setMonitoring(false);
    this.statusBar.setAttached(this.state.description);
  }

  private relative(file: string): string {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return root && file.startsWith(root + path.sep) ? path.relative(root, file) : file;
  }
}
