// The commands behind the server's evaluate lenses (textDocument/codeLens): a rule's value on each scenario of the
// file, and Run / Debug above each scenario.
import * as vscode from 'vscode';
import type { RuleEvaluation } from './protocol';
import type { ScenarioTests } from './scenarios';
import { runSummaryText } from './lib/scenarioResults';

const ICONS: Record<string, string> = { fires: '$(error)', 'does not fire': '$(pass)', unknown: '$(question)' };

/** `il2.showRuleEvaluation`: each scenario with the rule's value and the values it read; picking one goes to it. */
export async function showRuleEvaluation(evaluation: RuleEvaluation | undefined): Promise<void> {
  if (evaluation === undefined) return;
  const uri = vscode.Uri.parse(evaluation.uri);
  const picked = await vscode.window.showQuickPick(
    evaluation.scenarios.map((s) => ({
      label: `${ICONS[s.value] ?? ''} ${s.value}`.trim(),
      description: s.scenario,
      detail: s.values,
      range: s.range,
    })),
    { title: `Rule '${evaluation.rule}' on each scenario of this file`, matchOnDescription: true, matchOnDetail: true },
  );
  if (picked === undefined) return;
  const range = new vscode.Range(picked.range.start.line, picked.range.start.character, picked.range.end.line, picked.range.end.character);
  await vscode.window.showTextDocument(uri, { selection: range });
}

/** `il2.runScenario`: runs the one scenario through the Testing view, so its result shows at its line. */
export async function runScenario(scenarios: ScenarioTests, uri: string, title: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  await scenarios.runForDocument(document, title).then((summary) => {
    if (summary !== undefined) void vscode.window.showInformationMessage(`IL-2 scenario "${title}": ${runSummaryText(summary)}`);
  });
}

/** `il2.debugScenario`: starts the IL-2 scenario debugger (`il2 dap`) on the scenario. */
export async function debugScenario(uri: string, title: string): Promise<void> {
  const file = vscode.Uri.parse(uri);
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), {
    type: 'il2',
    request: 'launch',
    name: `Debug scenario "${title}"`,
    program: file.fsPath,
    scenario: title,
  });
}
