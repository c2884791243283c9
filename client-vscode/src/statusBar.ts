/** The status bar item: the attached target, and heap used with its trend while monitoring. */
import * as vscode from 'vscode';
import { MemorySample, statusText, statusTooltip } from './logic/memory';

export class HeapscopeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('heapscope.status', vscode.StatusBarAlignment.Left, 20);
  private attachedTo: string | undefined;
  private monitoring = false;

  constructor() {
    this.item.name = 'Heapscope';
  }

  setAttached(target: string | undefined): void {
    this.attachedTo = target;
    if (!target) {
      this.monitoring = false;
    }
    this.render();
  }

  setMonitoring(on: boolean): void {
    this.monitoring = on;
    this.render();
  }

  showSample(sample: MemorySample): void {
    this.monitoring = true;
    this.item.text = statusText(sample);
    this.item.tooltip = statusTooltip(sample, this.attachedTo);
    this.item.backgroundColor = sample.leakSuspected ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.command = 'heapscope.ui.showMonitor';
    this.item.show();
  }

  private render(): void {
    if (this.monitoring) {
      return; // the next sample redraws
    }
    this.item.backgroundColor = undefined;
    if (this.attachedTo) {
      this.item.text = '$(pulse) Heapscope';
      this.item.tooltip = `Heapscope is attached to ${this.attachedTo}.\nClick to open the memory chart.`;
      this.item.command = 'heapscope.ui.showMonitor';
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
