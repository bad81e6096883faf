// "IL-2 Protocols: Show Generated C#": a read-only virtual document (scheme il2-generated, language
// csharp) beside the source, refreshed while the source is edited.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderGeneratedCSharp, renderGeneratedCSharpFailure } from './lib/generatedCSharp';
import { generatedCSharpRequest } from './protocol';
import type { Il2Server } from './server';

export const GENERATED_SCHEME = 'il2-generated';
const REFRESH_DELAY_MS = 400;

/** il2-generated:/path/to/protocol.il2.cs?<source uri>: the path names the tab, the query keeps the source. */
export function generatedUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: GENERATED_SCHEME, path: `${source.path}.cs`, query: source.toString() });
}

function sourceOf(generated: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(generated.query, true);
}

export class GeneratedCSharpProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: { dispose(): unknown }[] = [this.changeEmitter];

  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly server: Il2Server) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'il2' && e.contentChanges.length > 0) this.scheduleRefresh(e.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === 'il2') this.scheduleRefresh(d.uri);
      }),
      // A restarted server may generate different code (a new build of the compiler).
      server.onDidBecomeReady(() => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === GENERATED_SCHEME) this.changeEmitter.fire(doc.uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = sourceOf(uri);
    const name = path.posix.basename(source.path);
    const client = await this.server.runningClient();
    if (client === undefined) {
      return renderGeneratedCSharpFailure(name, 'the IL-2 language server is not running.');
    }
    try {
      const result = await client.sendRequest(
        generatedCSharpRequest,
        { textDocument: { uri: client.code2ProtocolConverter.asUri(source) } },
        token,
      );
      return renderGeneratedCSharp(name, result);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return renderGeneratedCSharpFailure(name, reason);
    }
  }

  private scheduleRefresh(source: vscode.Uri): void {
    const target = generatedUri(source);
    const key = target.toString();
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changeEmitter.fire(target);
      }, REFRESH_DELAY_MS),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}

export async function showGeneratedCSharp(resource?: vscode.Uri): Promise<void> {
  const source = resource ?? vscode.window.activeTextEditor?.document.uri;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source?.toString());
  if (source === undefined || (document !== undefined && document.languageId !== 'il2')) {
    void vscode.window.showInformationMessage('IL-2: open a .il2 protocol to see the C# generated from it.');
    return;
  }
  if (document === undefined) {
    // Opened from the explorer or the editor title: the server must have the document open.
    await vscode.workspace.openTextDocument(source);
  }
  let generated = await vscode.workspace.openTextDocument(generatedUri(source));
  if (generated.languageId !== 'csharp') {
    generated = await vscode.languages.setTextDocumentLanguage(generated, 'csharp');
  }
  await vscode.window.showTextDocument(generated, {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: true,
    preview: false,
  });
}
