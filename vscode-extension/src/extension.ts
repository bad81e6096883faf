// The IL-2 Protocols extension: a client for the IL-2 language server (`il2 lsp`), the generated C#
// preview, and protocol scenarios in the Test Explorer.
import * as vscode from 'vscode';
import { compareWithCommitteeVersion } from './compare';
import { GENERATED_SCHEME, GeneratedCSharpProvider, showGeneratedCSharp } from './generatedCSharp';
import { ScenarioTests } from './scenarios';
import { Il2Server } from './server';
import { createStatusBar } from './statusBar';

let server: Il2Server | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('IL-2 Language Server', { log: true });
  server = new Il2Server(context, output);
  const s = server;
  const generated = new GeneratedCSharpProvider(s);
  const scenarios = new ScenarioTests(s);

  context.subscriptions.push(
    output,
    s,
    createStatusBar(s),
    generated,
    scenarios,
    vscode.workspace.registerTextDocumentContentProvider(GENERATED_SCHEME, generated),
    vscode.commands.registerCommand('il2.restartServer', () => s.restart()),
    vscode.commands.registerCommand('il2.showGeneratedCSharp', (resource?: unknown) =>
      showGeneratedCSharp(resource instanceof vscode.Uri ? resource : undefined),
    ),
    vscode.commands.registerCommand('il2.runProtocolTests', () => runProtocolTests(scenarios)),
    vscode.commands.registerCommand('il2.compareWithCommitteeVersion', () => compareWithCommitteeVersion(s)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The server reads the pages' folder only in `initialize`.
      if (e.affectsConfiguration('il2.server.path') || e.affectsConfiguration('il2.diagnostics.docsBaseUri')) {
        void s.restart();
      }
    }),
  );

  void s.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

async function runProtocolTests(scenarios: ScenarioTests): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId !== 'il2') {
    void vscode.window.showInformationMessage('IL-2: open a .il2 protocol to run its scenarios.');
    return;
  }
  const summary = await scenarios.runForDocument(document);
  if (summary === undefined) return;
  const total = summary.passed + summary.failed + summary.errored;
  if (total === 0) {
    void vscode.window.showInformationMessage('IL-2: this protocol has no scenarios.');
    return;
  }
  if (summary.failed === 0 && summary.errored === 0) {
    vscode.window.setStatusBarMessage(`$(pass) IL-2: ${summary.passed} of ${total} scenarios passed`, 5000);
    return;
  }
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.errored > 0) parts.push(`${summary.errored} could not run`);
  const choice = await vscode.window.showWarningMessage(`IL-2 scenarios: ${parts.join(', ')}.`, 'Show Test Results');
  if (choice === 'Show Test Results') {
    await vscode.commands.executeCommand('workbench.view.testing.focus');
  }
}
