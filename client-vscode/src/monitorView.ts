/**
 * The memory chart: a webview with a strict CSP (no remote content, one nonce'd script that
 * only swaps in the SVG the extension renders from the samples).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formatBytes, formatTrend } from './logic/format';
import { chartStyles, MemoryHistory, renderChart } from './logic/memory';

export class MonitorView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly history: MemoryHistory) {}

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

  /** Push the current chart; cheap enough for one sample a second. */
  update(): void {
    if (!this.panel?.visible) {
      return;
    }
    const latest = this.history.latest;
    const summary = latest
      ? [
          `heap used ${formatBytes(latest.heapUsed)}`,
          `rss ${formatBytes(latest.rss)}`,
          `after GC ${latest.afterGc === null ? '–' : formatBytes(latest.afterGc)}`,
          formatTrend(latest.trendBytesPerSecond),
        ].filter(Boolean).join(' · ')
      : 'Start the memory monitor (Heapscope: Start Memory Monitor) to see samples here.';
    void this.panel.webview.postMessage({
      svg: renderChart(this.history.samples),
      summary,
      verdict: latest?.verdict ?? '',
      leak: latest?.leakSuspected ?? false,
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
${chartStyles()}
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
