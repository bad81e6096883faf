// "Compare with Committee Version": the semantic diff (il2 diff) between the version the committee approved — a git
// revision — and the protocol in the editor, shown as the Markdown a committee packet holds.
import * as vscode from 'vscode';
import { compareWithRevisionRequest } from './protocol';
import type { Il2Server } from './server';

export async function compareWithCommitteeVersion(server: Il2Server): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId !== 'il2' || document.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('IL-2: open a .il2 protocol file (in a git working tree) to compare it.');
    return;
  }
  const configured = vscode.workspace.getConfiguration('il2').get<string>('committeeRevision', 'HEAD');
  const revision = await vscode.window.showInputBox({
    title: 'Compare with Committee Version',
    prompt: 'The git revision holding the version the committee reviewed (a tag, branch or commit)',
    value: configured,
  });
  if (revision === undefined || revision.trim() === '') return;

  const client = await server.runningClient();
  if (client === undefined) return;
  const result = await client.sendRequest(compareWithRevisionRequest, {
    textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
    revision: revision.trim(),
  });
  // The server leaves absent fields out, so test for a value rather than for null.
  if (!result.markdown) {
    void vscode.window.showErrorMessage(`IL-2: cannot compare with ${revision}: ${result.error ?? 'no result'}`);
    return;
  }
  const diff = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown });
  await vscode.window.showTextDocument(diff, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  if (result.verdict) vscode.window.setStatusBarMessage(`IL-2: ${result.verdict}`, 10000);
}
