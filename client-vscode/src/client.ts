/**
 * The language client: starts `<python> -m heapscope serve` over stdio (the interpreter comes
 * from serverEnvironment.ts), restarts it when the interpreter setting changes, and turns a
 * failed start into one sentence with a way out ("Open settings") instead of the client
 * library's generic error.
 */
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { explainStartFailure, probeServer, ProbeResult, ServerCommand } from './logic/interpreter';
import { useKindWords } from './logic/findings';
import { resolveServer, ServerContext, ServerFailure } from './serverEnvironment';

export const CLIENT_ID = 'heapscope';

const DOCUMENTS = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'].map((language) => ({ scheme: 'file', language }));

type NotificationHandler = (params: unknown) => void;

export class HeapscopeClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<boolean> | undefined;
  private readonly handlers = new Map<string, NotificationHandler>();
  private readonly stateEmitter = new vscode.EventEmitter<boolean>();
  /** Fires `true` when a server is up, `false` when it stopped. */
  readonly onDidChangeRunning = this.stateEmitter.event;

  constructor(
    readonly output: vscode.OutputChannel,
    private readonly context: ServerContext,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  onNotification(method: string, handler: NotificationHandler): void {
    this.handlers.set(method, handler);
  }

  private workspaceFolder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** The `heapscope` settings, nested by their dots (`{findLeaks: {interval: 5}, …}`), untranslated. */
  private settingsSection(): unknown {
    return vscode.workspace.getConfiguration(undefined, this.workspaceFolder()).get(CLIENT_ID);
  }

  /** The command that starts the server; on first use this sets up its environment. */
  async serverCommand(): Promise<ServerCommand | ServerFailure> {
    const folder = this.workspaceFolder();
    const setting = vscode.workspace.getConfiguration(CLIENT_ID, folder).get<string>('python', '');
    return resolveServer(this.context, setting, folder, this.output);
  }

  /** Start (once); resolves false when the server could not start, after telling the user why. */
  start(): Promise<boolean> {
    if (this.running) {
      return Promise.resolve(true);
    }
    this.starting ??= this.startServer().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startServer(): Promise<boolean> {
    if (this.client) {
      // A client the library gave up restarting after repeated crashes: replace it.
      await this.stop();
    }
    const server = await this.serverCommand();
    if ('failure' in server) {
      this.notifyFailure(server.failure, server.details ?? '');
      return false;
    }
    const folder = this.workspaceFolder();
    // A quick import first: a wrong interpreter or a missing package is then explained in one
    // sentence, instead of the client library's "couldn't create connection" after a crash.
    const preflight = await probeServer(server, 'import heapscope', folder?.uri.fsPath);
    if (preflight.error || preflight.exitCode !== 0) {
      await this.reportStartFailure(server, preflight);
      return false;
    }
    this.output.appendLine(`Starting the Heapscope language server: ${server.command} ${server.args.join(' ')}`);
    const serverOptions: ServerOptions = {
      command: server.command,
      args: server.args,
      // No `transport`: TransportKind.stdio would append --stdio, which `heapscope serve` does not take.
      options: { cwd: folder?.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENTS,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // The `heapscope` section as the editor stores it: the server reads the settings' own
      // names (server/heapscope/lsp/options.py); the client's default `workspace/configuration`
      // answer passes the same section through.
      initializationOptions: { [CLIENT_ID]: this.settingsSection() },
    };
    const client = new LanguageClient(CLIENT_ID, 'Heapscope', serverOptions, clientOptions);
    for (const [method, handler] of this.handlers) {
      client.onNotification(method, handler);
    }
    client.onDidChangeState((event) => this.stateEmitter.fire(event.newState === State.Running));
    this.client = client;
    try {
      await client.start();
      useKindWords(client.initializeResult?.capabilities.experimental?.heapscope?.kinds);
      return true;
    } catch (error) {
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      // Import the whole server this time: its stderr names the missing dependency, if any.
      const probe = await probeServer(server, 'import heapscope.lsp.server', folder?.uri.fsPath);
      await this.reportStartFailure(server, { ...probe, error: probe.error ?? (error as ProbeResult['error']) });
      return false;
    }
  }

  private async reportStartFailure(server: ServerCommand, probe: ProbeResult): Promise<void> {
    this.notifyFailure(explainStartFailure(server, probe.stderr, probe.error), probe.stderr);
  }

  private notifyFailure(message: string, details: string): void {
    this.output.appendLine(message);
    if (details.trim()) {
      this.output.appendLine(details.trim());
    }
    // Not awaited: the notification stays up without holding back activation or the command.
    void vscode.window.showErrorMessage(message, 'Open settings', 'Show output').then((choice) => {
      if (choice === 'Open settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', `${CLIENT_ID}.python`);
      } else if (choice === 'Show output') {
        this.output.show(true);
      }
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch {
        // a server that died is already stopped
      }
      await client.dispose().catch(() => undefined);
      this.stateEmitter.fire(false);
    }
  }

  async restart(): Promise<boolean> {
    await this.starting;
    await this.stop();
    return this.start();
  }

  /** Send the changed settings to the running server (it re-reads and re-publishes). */
  async sendSettings(): Promise<void> {
    if (this.running && this.client) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [CLIENT_ID]: this.settingsSection() } });
    }
  }

  /** `workspace/executeCommand` on the server; starts it when needed; undefined when not running. */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T | undefined> {
    if (!(await this.start()) || !this.client) {
      return undefined;
    }
    const result = await this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args ? [args] : [] });
    return (result ?? undefined) as T | undefined;
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }
}
