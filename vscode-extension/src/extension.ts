// The IL-2 Protocols extension: a client for the IL-2 language server (`il2 lsp`), the generated C#
// preview, protocol scenarios in the Test Explorer, and the scenario debugger (`il2 dap`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMPARE_SCHEME, CompareDocuments, compareWithCommitteeVersion } from './compare';
import { DEBUG_TYPE, Il2DebugAdapterFactory, Il2DebugConfigurationProvider } from './debugger';
import { GENERATED_SCHEME, GeneratedCSharpProvider, showGeneratedCSharp } from './generatedCSharp';
import { debugScenario, runScenario, showRuleEvaluation } from './lenses';
import { runSummaryText } from './lib/scenarioResults';
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
  const comparisons = new CompareDocuments();

  context.subscriptions.push(
    output,
    s,
    createStatusBar(s),
    generated,
    scenarios,
    comparisons,
    vscode.workspace.registerTextDocumentContentProvider(GENERATED_SCHEME, generated),
    vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, comparisons),
    vscode.commands.registerCommand('il2.restartServer', () => s.restart()),
    vscode.commands.registerCommand('il2.showGeneratedCSharp', (resource?: unknown) =>
      showGeneratedCSharp(resource instanceof vscode.Uri ? resource : undefined),
    ),
    vscode.commands.registerCommand('il2.runProtocolTests', () => runProtocolTests(scenarios)),
    vscode.commands.registerCommand('il2.compareWithCommitteeVersion', () => compareWithCommitteeVersion(s, comparisons)),
    // The evaluate lenses' commands (the server names them in textDocument/codeLens).
    vscode.commands.registerCommand('il2.showRuleEvaluation', showRuleEvaluation),
    vscode.commands.registerCommand('il2.runScenario', (uri: string, title: string) => runScenario(scenarios, uri, title)),
    vscode.commands.registerCommand('il2.debugScenario', debugScenario),
    // The scenario debugger: `il2 dap`, the same il2 as the language server.
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new Il2DebugAdapterFactory(s)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new Il2DebugConfigurationProvider()),
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
  const text = `IL-2 scenarios of ${path.posix.basename(document.uri.path)}: ${runSummaryText(summary)}`;
  const total = summary.passed + summary.failed + summary.errored;
  const show = total === 0 ? undefined : 'Show Test Results';
  // Not awaited: the notification stays until dismissed, and the command is done when the run is.
  const shown =
    summary.failed === 0 && summary.errored === 0
      ? vscode.window.showInformationMessage(text, ...(show ? [show] : []))
      : vscode.window.showWarningMessage(text, ...(show ? [show] : []));
  void shown.then((choice) => {
    if (choice !== undefined) void vscode.commands.executeCommand('workbench.view.testing.focus');
  });
}
