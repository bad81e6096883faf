// The status bar item that shows the server's state; clicking it restarts the server.
import * as vscode from 'vscode';
import { presentStatus } from './lib/serverStatus';
import type { Il2Server } from './server';

export function createStatusBar(server: Il2Server): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('il2.serverStatus', vscode.StatusBarAlignment.Right, 100);
  item.name = 'IL-2 Language Server';
  item.command = { command: 'il2.restartServer', title: 'Restart IL-2 Language Server' };
  const show = (status: Parameters<typeof presentStatus>[0], detail?: string): void => {
    const p = presentStatus(status, detail);
    item.text = p.text;
    item.tooltip = p.tooltip;
    item.backgroundColor = p.background === undefined ? undefined : new vscode.ThemeColor(p.background);
    item.accessibilityInformation = { label: p.tooltip.split('\n')[0] ?? 'IL-2 language server' };
  };
  show('stopped');
  item.show();
  const subscription = server.onDidChangeStatus((e) => {
    show(e.status, e.detail);
  });
  return vscode.Disposable.from(item, subscription);
}
