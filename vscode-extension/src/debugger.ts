// The IL-2 scenario debugger: VS Code runs `il2 dap` (the same il2 as the language server) as the debug adapter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { debugAdapterCommand, describeServerCommand } from './lib/serverCommand';
import type { Il2Server } from './server';

export const DEBUG_TYPE = 'il2';

/** Starts `il2 dap` over stdio for each debug session. */
export class Il2DebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly server: Il2Server) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const command = debugAdapterCommand(this.server.command());
    if (command.requiredFile !== undefined && !fs.existsSync(command.requiredFile)) {
      throw new Error(`IL-2: the debug adapter ${command.requiredFile} does not exist`);
    }
    this.server.outputChannel.info(`Starting the IL-2 debug adapter: ${describeServerCommand(command)}`);
    const cwd = session.workspaceFolder?.uri.fsPath;
    return new vscode.DebugAdapterExecutable(command.command, [...command.args], cwd === undefined ? {} : { cwd });
  }
}

/** F5 without a launch.json debugs the open protocol's scenarios; a configuration without `program` is refused. */
export class Il2DebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    // VS Code passes an empty configuration when there is no launch.json.
    if (Object.keys(config).every((key) => key === 'noDebug')) {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.languageId === 'il2') {
        return {
          type: DEBUG_TYPE,
          request: 'launch',
          name: `Debug the scenarios of ${path.basename(document.uri.fsPath)}`,
          program: document.uri.fsPath,
          stopOnEntry: true,
        };
      }
    }
    if (typeof config.program !== 'string' || config.program.trim() === '') {
      void vscode.window.showErrorMessage("IL-2: a debug configuration needs 'program', the .il2 file whose scenarios to debug.");
      return undefined;
    }
    return config;
  }
}
