// "Compare with Committee Version": the semantic diff (il2 diff) between the version the committee approved — a git
// revision — and the protocol in the editor, rendered as the review packet: the Markdown preview of a read-only
// virtual document (scheme il2-compare), in one tab. No editable buffer is opened, so nothing asks to be saved.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compareWithRevisionRequest } from './protocol';
import type { Il2Server } from './server';

export const COMPARE_SCHEME = 'il2-compare';

/** il2-compare:/path/to/protocol.il2 (vs REV).md: one document per protocol, whatever the revision last compared. */
export function compareUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `${source.path}.committee-diff.md` });
}

/** Holds the last diff of each protocol; the preview reads it from here, and is refreshed on a new comparison. */
export class CompareDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  set(uri: vscode.Uri, markdown: string): void {
    this.contents.set(uri.toString(), markdown);
    this.changeEmitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# No comparison yet\n\nRun **IL-2 Protocols: Compare with Committee Version**.\n';
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export async function compareWithCommitteeVersion(server: Il2Server, documents: CompareDocuments): Promise<void> {
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
  const uri = compareUri(document.uri);
  documents.set(uri, result.markdown);
  // The preview only (markdown.showPreviewToSide opens no text editor of the source): read-only, one tab beside.
  await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  const name = path.posix.basename(document.uri.path);
  if (result.verdict) vscode.window.setStatusBarMessage(`IL-2: ${name} vs ${revision.trim()}: ${result.verdict}`, 10000);
}
