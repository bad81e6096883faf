// Starts, watches and restarts the IL-2 language server (`il2 lsp` over stdio).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { buildInitializationOptions } from './lib/initializationOptions';
import { RestartPolicy } from './lib/restartPolicy';
import { describeServerCommand, resolveServerCommand, type ServerCommand } from './lib/serverCommand';
import type { ServerStatus } from './lib/serverStatus';

export const CLIENT_ID = 'il2';
const CLIENT_NAME = 'IL-2 Language Server';

export interface StatusChange {
  readonly status: ServerStatus;
  readonly detail?: string;
}

export class Il2Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly policy = new RestartPolicy(5, 3 * 60 * 1000);
  private readonly statusEmitter = new vscode.EventEmitter<StatusChange>();
  private readonly readyEmitter = new vscode.EventEmitter<LanguageClient>();
  private readonly disposables: { dispose(): unknown }[] = [];
  /** Serializes start/stop/restart so that two clicks never start two servers. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Fires on every change of the server's state (for the status bar). */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** Fires each time a (re)started server is running (to refresh what depends on it). */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly outputChannel: vscode.LogOutputChannel,
  ) {
    this.disposables.push(this.statusEmitter, this.readyEmitter);
  }

  /** The running client, or undefined (after telling the user why) when there is none. */
  async runningClient(): Promise<LanguageClient | undefined> {
    await this.queue.catch(() => undefined);
    const client = this.client;
    if (client === undefined || client.state === State.Stopped) {
      const choice = await vscode.window.showErrorMessage(
        'The IL-2 language server is not running.',
        'Restart',
        'Show Output',
      );
      if (choice === 'Restart') await this.restart();
      if (choice === 'Show Output') this.outputChannel.show(true);
      return undefined;
    }
    if (client.state === State.Starting) {
      await client.start().catch(() => undefined);
    }
    return client.state === State.Running ? client : undefined;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  /** Stops the server (if any) and starts a new one; resets the crash count. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.policy.reset();
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The `il2` to run: the bundled one, or the one `il2.server.path` names (the debug adapter runs the same). */
  command(): ServerCommand {
    const configured = vscode.workspace.getConfiguration('il2').get<string>('server.path', '');
    return resolveServerCommand({
      extensionPath: this.context.extensionPath,
      configuredPath: configured,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
  }

  private async doStart(): Promise<void> {
    const command = this.command();
    const shown = describeServerCommand(command);
    this.statusEmitter.fire({ status: 'starting', detail: shown });
    this.outputChannel.info(`Starting the IL-2 language server: ${shown}`);

    if (command.requiredFile !== undefined && !fs.existsSync(command.requiredFile)) {
      const where =
        command.source === 'bundled'
          ? `The bundled server ${command.requiredFile} is missing (the extension was packaged without it).`
          : `The server set in il2.server.path does not exist: ${command.requiredFile}`;
      this.outputChannel.error(where);
      this.statusEmitter.fire({ status: 'stopped', detail: where });
      void vscode.window.showErrorMessage(`IL-2: ${where}`, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'il2.server.path');
        }
      });
      return;
    }

    const serverOptions: ServerOptions = {
      command: command.command,
      args: [...command.args],
      options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? this.context.extensionPath },
    };
    const init = buildInitializationOptions({
      extensionPath: this.context.extensionPath,
      configuredDocsBaseUri: vscode.workspace.getConfiguration('il2').get<string>('diagnostics.docsBaseUri', ''),
    });
    if (init.problem !== undefined) {
      this.outputChannel.warn(init.problem);
      void vscode.window.showWarningMessage(`IL-2: ${init.problem}`);
    }
    this.outputChannel.info(`Diagnostics link their pages in ${init.options.diagnosticDocsBaseUri}`);
    const clientOptions: LanguageClientOptions = {
      // Read by the server in `initialize`: where each diagnostic's page (IL####.md) is.
      initializationOptions: init.options,
      documentSelector: [
        { scheme: 'file', language: 'il2' },
        { scheme: 'untitled', language: 'il2' },
      ],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.il2'),
      },
      outputChannel: this.outputChannel,
      errorHandler: this.errorHandler(),
    };

    // The id `il2` makes the client read its trace level from the `il2.trace.server` setting.
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      switch (e.newState) {
        case State.Starting:
          this.statusEmitter.fire({ status: 'starting', detail: shown });
          break;
        case State.Running:
          this.statusEmitter.fire({ status: 'running', detail: shown });
          this.readyEmitter.fire(client);
          break;
        case State.Stopped:
          this.statusEmitter.fire({ status: 'stopped', detail: shown });
          break;
      }
    });

    try {
      await client.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.outputChannel.error(`The IL-2 language server did not start: ${message}`);
      this.statusEmitter.fire({ status: 'stopped', detail: message });
      void this.offerRestart(`The IL-2 language server did not start: ${message}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      if (client.state !== State.Stopped) await client.stop(5000);
    } catch (error) {
      this.outputChannel.warn(`Stopping the IL-2 language server failed: ${String(error)}`);
    }
    await client.dispose().catch(() => undefined);
    this.statusEmitter.fire({ status: 'stopped' });
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (_error, _message, count): ErrorHandlerResult =>
        count !== undefined && count <= 3 ? { action: ErrorAction.Continue } : { action: ErrorAction.Shutdown },
      closed: (): CloseHandlerResult => {
        const decision = this.policy.onCrash();
        if (decision.restart) {
          const text = `The IL-2 language server stopped unexpectedly and is being restarted (restart ${decision.restartsInWindow} of ${this.policy.maxRestarts} within 3 minutes).`;
          this.outputChannel.warn(text);
          void vscode.window.showWarningMessage(text);
          return { action: CloseAction.Restart, handled: true };
        }
        const text = `The IL-2 language server crashed ${this.policy.maxRestarts + 1} times within 3 minutes and will not be restarted.`;
        this.outputChannel.error(text);
        void this.offerRestart(text);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  private async offerRestart(text: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(text, 'Restart', 'Show Output');
    if (choice === 'Restart') await this.restart();
    if (choice === 'Show Output') this.outputChannel.show(true);
  }
}
