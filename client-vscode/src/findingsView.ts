/** The "Leaks" tree: one row per finding (kind, place, growth); clicking a row opens its line. */
import * as vscode from 'vscode';
import { buildFindingsTree, emptyReportMessage, FindingsRow, LeakReport, SourceLocation } from './logic/findings';

export const OPEN_LOCATION_COMMAND = 'heapscope.ui.openLocation';

export class FindingsView implements vscode.TreeDataProvider<FindingsRow>, vscode.Disposable {
  private rows: FindingsRow[] = [];
  private current: LeakReport | undefined;
  private readonly changed = new vscode.EventEmitter<FindingsRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<FindingsRow>;

  constructor() {
    this.view = vscode.window.createTreeView('heapscope.findings', { treeDataProvider: this, showCollapseAll: true });
  }

  get report(): LeakReport | undefined {
    return this.current;
  }

  show(report: LeakReport | undefined): void {
    this.current = report;
    this.rows = buildFindingsTree(report, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    const leaks = report?.findings.length ?? 0;
    this.view.badge = leaks ? { value: leaks, tooltip: `${leaks} leak${leaks === 1 ? '' : 's'} found` } : undefined;
    this.view.message = emptyReportMessage(report);
    void vscode.commands.executeCommand('setContext', 'heapscope.hasFindings', leaks > 0);
    this.changed.fire(undefined);
  }

  getTreeItem(row: FindingsRow): vscode.TreeItem {
    const collapsible = row.children.length
      ? row.contextValue === 'finding'
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(row.label, collapsible);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    if (row.icon) {
      item.iconPath = new vscode.ThemeIcon(row.icon);
    }
    if (row.location) {
      item.command = { command: OPEN_LOCATION_COMMAND, title: 'Go to Location', arguments: [row.location] };
    }
    return item;
  }

  getChildren(row?: FindingsRow): FindingsRow[] {
    return row ? row.children : this.rows;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

/** Open a 1-based location from the server's JSON and put the cursor on it. */
export async function openLocation(location: SourceLocation | undefined): Promise<void> {
  if (!location?.path) {
    return;
  }
  const position = new vscode.Position(Math.max(location.line - 1, 0), Math.max(location.column - 1, 0));
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.path));
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: true });
  } catch {
    void vscode.window.showWarningMessage(`Heapscope cannot open ${location.path}: the file is not on this machine any more.`);
  }
}
