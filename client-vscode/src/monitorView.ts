/**
 * The memory chart: a webview with a strict CSP (no remote content, one nonce'd script that
 * only swaps in the SVG). The language server draws the chart (`heapscope.memoryChart`, the
 * same renderer as the HTML report's); this view asks for it while it is visible and colours
 * its lines with the theme.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HeapscopeClient } from './client';
import { chartSummary, MemorySample } from './logic/memory';

/** The chart's classes (server/heapscope/analysis/memory_chart.py) in the theme's chart colours. */
const THEME_COLOURS = [
  '.series-rss{stroke:var(--vscode-charts-blue)}',
  '.series-heapUsed{stroke:var(--vscode-charts-orange)}',
  '.series-afterGc{stroke:var(--vscode-charts-red)}',
  '.marker{stroke:var(--vscode-charts-red)}',
].join('\n');

export class MonitorView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private latest: MemorySample | undefined;
  /** A chart request is on its way; `stale`: samples arrived meanwhile, ask once more after it. */
  private drawing = false;
  private stale = false;

  constructor(private readonly client: HeapscopeClient) {}

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      this.update();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'heapscope.monitor',
      'Heapscope Memory',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
    );
    // The page asks for data once its script runs (also after VS Code reloads a hidden webview).
    panel.webview.onDidReceiveMessage((message) => message === 'ready' && this.update());
    panel.webview.html = this.html(panel.webview);
    panel.onDidDispose(() => (this.panel = undefined));
    panel.onDidChangeViewState(() => panel.visible && this.update());
    this.panel = panel;
  }

  /** A new sample from the monitor: redraw. */
  add(sample: MemorySample): void {
    this.latest = sample;
    this.update();
  }

  /** The target is gone (detach) or the user cleared: the server has emptied the chart too. */
  clear(): void {
    this.latest = undefined;
    this.update();
  }

  /** Ask the server for the chart, at most one request at a time; cheap enough for one sample a second. */
  update(): void {
    if (!this.panel?.visible) {
      return;
    }
    if (this.drawing) {
      this.stale = true;
      return;
    }
    this.drawing = true;
    void this.draw().finally(() => {
      this.drawing = false;
      if (this.stale) {
        this.stale = false;
        this.update();
      }
    });
  }

  private async draw(): Promise<void> {
    // Never starts the server for a chart: with none running there are no samples to draw.
    const chart = this.client.running ? await this.client.execute<{ svg?: unknown }>('heapscope.memoryChart').catch(() => undefined) : undefined;
    void this.panel?.webview.postMessage({
      svg: typeof chart?.svg === 'string' ? chart.svg : '',
      summary: chartSummary(this.latest),
      verdict: this.latest?.verdict ?? '',
      leak: this.latest?.leakSuspected ?? false,
    });
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      'img-src data:',
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Heapscope Memory</title>
<style nonce="${nonce}">
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 12px; }
#chart svg { max-width: 100%; height: auto; }
#verdict.leak { color: var(--vscode-errorForeground); font-weight: bold; }
${THEME_COLOURS}
</style>
</head>
<body>
<h2>Memory over time</h2>
<p id="summary">Waiting for samples…</p>
<p id="verdict"></p>
<div id="chart"></div>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const chart = document.getElementById('chart');
  const summary = document.getElementById('summary');
  const verdict = document.getElementById('verdict');
  window.addEventListener('message', (event) => {
    const data = event.data;
    chart.innerHTML = data.svg;
    summary.textContent = data.summary;
    verdict.textContent = data.verdict;
    verdict.className = data.leak ? 'leak' : '';
  });
  vscode.postMessage('ready');
</script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
