// Protocol scenarios in the VS Code Testing API: a TestController `il2Scenarios` with one item per .il2 file of the
// workspace (found with workspace.findFiles, kept current by a FileSystemWatcher, read from disk until opened) and
// one child per `scenario`, run through the server's il2/runScenarios request. After a run, an extending protocol's
// file also holds a group per base protocol ("inherited from hd-il2-monotherapy") with the base's scenarios as run
// against the extension, each at its title in the base's file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  discoverHeader,
  discoverScenarios,
  inheritedScenarios,
  scenarioIds,
  type ListedProtocol,
  type Range as PlainRange,
} from './lib/scenarioDiscovery';
import {
  EXCLUDED_GLOB,
  PROTOCOL_GLOB,
  failureReport,
  inheritedGroupId,
  inheritedGroupLabel,
  inheritedReport,
  inExcludedFolder,
  isListedProtocol,
  listedUnder,
} from './lib/scenarioResults';
import { runScenariosRequest, type InheritedScenarioResult, type ScenarioResult } from './protocol';
import type { Il2Server } from './server';

const DISCOVERY_DELAY_MS = 500;

function toRange(r: PlainRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function isIl2(document: vscode.TextDocument): boolean {
  return document.languageId === 'il2' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
}

export class ScenarioTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: { dispose(): unknown }[] = [];
  /** The "inherited from ..." groups: kept when a file's own scenarios are listed again. */
  private readonly inheritedGroups = new WeakSet<vscode.TestItem>();
  /** What each listed file declares (its protocol id, the one it extends, its scenarios), by URI string. */
  private readonly listed = new Map<string, ListedProtocol>();

  constructor(private readonly server: Il2Server) {
    this.controller = vscode.tests.createTestController('il2Scenarios', 'IL-2 Protocol Scenarios');
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.discoverWorkspace();
    };
    this.controller.createRunProfile(
      'Run scenarios',
      vscode.TestRunProfileKind.Run,
      (request, token) => this.run(request, token).then(() => undefined),
      true,
    );
    this.controller.refreshHandler = () => this.discoverWorkspace();

    const watcher = vscode.workspace.createFileSystemWatcher(PROTOCOL_GLOB);
    // A folder deleted, moved or renamed is reported once, for the folder (not for the .il2 files in it): a second
    // watcher sees every path created or deleted, so that its protocols leave the view or appear under the new name.
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      this.controller,
      watcher,
      folders,
      watcher.onDidCreate((uri) => void this.discoverFile(uri)),
      watcher.onDidChange((uri) => void this.discoverFile(uri)),
      watcher.onDidDelete((uri) => {
        this.forget(uri);
      }),
      folders.onDidCreate((uri) => void this.discoverFolder(uri)),
      folders.onDidDelete((uri) => {
        this.forget(uri);
      }),
      // Renames and deletions made in VS Code itself (the Explorer, a refactoring) arrive here first.
      vscode.workspace.onDidRenameFiles((e) => {
        for (const { oldUri, newUri } of e.files) {
          this.forget(oldUri);
          void this.discoverFolder(newUri);
        }
      }),
      vscode.workspace.onDidDeleteFiles((e) => {
        for (const uri of e.files) this.forget(uri);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isIl2(d)) this.discover(d);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isIl2(e.document)) this.scheduleDiscovery(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // A closed file stays listed, as it is on disk; an untitled one is gone.
        if (d.uri.scheme === 'file') void this.discoverFile(d.uri);
        else this.controller.items.delete(d.uri.toString());
      }),
    );
    for (const doc of vscode.workspace.textDocuments) if (isIl2(doc)) this.discover(doc);
    void this.discoverWorkspace();
  }

  /** Every .il2 file of the workspace, listed whether or not it is open. */
  async discoverWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles(PROTOCOL_GLOB, EXCLUDED_GLOB);
    await Promise.all(files.map((uri) => this.discoverFile(uri)));
  }

  /** Removes a deleted file, or every file under a deleted folder, from the view. */
  private forget(uri: vscode.Uri): void {
    const ids: string[] = [];
    this.controller.items.forEach((item) => ids.push(item.id));
    for (const id of listedUnder(ids, uri.toString())) {
      this.controller.items.delete(id);
      this.listed.delete(id);
    }
    this.listInherited();
  }

  /** A path that appeared: a protocol file, or a folder (created, moved or renamed) with protocols in it. */
  private async discoverFolder(uri: vscode.Uri): Promise<void> {
    if (uri.path.endsWith('.il2')) {
      await this.discoverFile(uri);
      return;
    }
    if (inExcludedFolder(vscode.workspace.asRelativePath(uri, false))) return;
    try {
      if ((((await vscode.workspace.fs.stat(uri)).type as number) & vscode.FileType.Directory) === 0) return;
    } catch {
      return; // gone again
    }
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, PROTOCOL_GLOB), EXCLUDED_GLOB);
    await Promise.all(files.map((file) => this.discoverFile(file)));
  }

  /** A file's scenarios: from the editor's text when it is open (unsaved edits count), else from disk. */
  private async discoverFile(uri: vscode.Uri): Promise<void> {
    if (!isListedProtocol(vscode.workspace.asRelativePath(uri, false))) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open !== undefined) {
      this.discover(open);
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.forget(uri); // gone or unreadable since it was found
      return;
    }
    this.discoverText(uri, path.posix.basename(uri.path), text);
  }

  /** "IL-2 Protocols: Run Protocol Tests" on the active document, or one of its scenarios (a lens's Run). */
  async runForDocument(document: vscode.TextDocument, title?: string): Promise<RunSummary | undefined> {
    const file = this.discover(document);
    const item = title === undefined ? file : [...iterate(file.children)].find((c) => c.label === title && !this.inheritedGroups.has(c));
    if (item === undefined) return undefined;
    const cancellation = new vscode.CancellationTokenSource();
    try {
      return await this.run(new vscode.TestRunRequest([item]), cancellation.token);
    } finally {
      cancellation.dispose();
    }
  }

  private fileItem(uri: vscode.Uri, label: string): vscode.TestItem {
    const id = uri.toString();
    let file = this.controller.items.get(id);
    if (file === undefined) {
      file = this.controller.createTestItem(id, label, uri);
      if (uri.scheme === 'file') {
        const folder = path.posix.dirname(vscode.workspace.asRelativePath(uri, false));
        if (folder !== '.') file.description = folder;
      }
      this.controller.items.add(file);
    }
    return file;
  }

  /** Lists the scenarios found in an open document's text. */
  private discover(document: vscode.TextDocument): vscode.TestItem {
    const label = document.isUntitled ? document.uri.path : path.posix.basename(document.uri.path);
    return this.discoverText(document.uri, label, document.getText());
  }

  /** Lists the scenarios found in the text (ranges are replaced by the server's after a run). */
  private discoverText(uri: vscode.Uri, label: string, text: string): vscode.TestItem {
    const file = this.fileItem(uri, label);
    const scenarios = discoverScenarios(text);
    const ids = scenarioIds(scenarios.map((s) => s.title));
    const children = scenarios.map((s, i) => {
      const id = ids[i] ?? s.title;
      const child = file.children.get(id) ?? this.controller.createTestItem(id, s.title, uri);
      child.range = toRange(s.range);
      return child;
    });
    const groups = [...iterate(file.children)].filter((c) => this.inheritedGroups.has(c));
    file.children.replace([...children, ...groups]);
    this.listed.set(uri.toString(), { key: uri.toString(), header: discoverHeader(text), scenarios });
    this.listInherited();
    return file;
  }

  /**
   * Before any run, an extending protocol's file shows its bases' scenarios (found in the workspace) under "inherited
   * from ...", with the ids a run reports them by, so that a run fills in the same items. A base not in the
   * workspace leaves the groups of the last run as they are.
   */
  private listInherited(): void {
    const byId = new Map<string, ListedProtocol>();
    for (const listed of this.listed.values()) if (listed.header.id !== undefined) byId.set(listed.header.id, listed);
    for (const listed of this.listed.values()) {
      const file = this.controller.items.get(listed.key);
      if (file === undefined) continue;
      const baseId = listed.header.extends;
      if (baseId !== undefined && !byId.has(baseId)) continue;
      const byProtocol = new Map<string, ReturnType<typeof inheritedScenarios>>();
      for (const s of inheritedScenarios(listed, byId)) byProtocol.set(s.protocol, [...(byProtocol.get(s.protocol) ?? []), s]);
      const own = [...iterate(file.children)].filter((c) => !this.inheritedGroups.has(c));
      const groups = [...byProtocol].map(([protocol, scenarios]) => {
        const groupId = inheritedGroupId(protocol);
        const base = vscode.Uri.parse(scenarios[0]?.key ?? listed.key);
        let group = file.children.get(groupId);
        if (group === undefined) {
          group = this.controller.createTestItem(groupId, inheritedGroupLabel(protocol), base);
          this.inheritedGroups.add(group);
        }
        const ids = scenarioIds(scenarios.map((s) => s.title));
        const parent = group;
        parent.children.replace(
          scenarios.map((s, i) => {
            const id = `${groupId}/${ids[i] ?? s.title}`;
            const item = parent.children.get(id) ?? this.controller.createTestItem(id, s.title, vscode.Uri.parse(s.key));
            item.range = toRange(s.range);
            return item;
          }),
        );
        return group;
      });
      file.children.replace([...own, ...groups]);
    }
  }

  private scheduleDiscovery(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.discover(document);
      }, DISCOVERY_DELAY_MS),
    );
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<RunSummary> {
    // The files to run, each with the scenarios asked for (undefined: all of them).
    const files = new Map<vscode.TestItem, Set<string> | undefined>();
    const requested = request.include ?? [...iterate(this.controller.items)];
    for (const item of requested) {
      let file = item;
      while (file.parent !== undefined) file = file.parent;
      if (item === file) {
        files.set(file, undefined);
      } else if (!files.has(file) || files.get(file) !== undefined) {
        const set = files.get(file) ?? new Set<string>();
        set.add(item.id);
        files.set(file, set);
      }
    }
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));

    const run = this.controller.createTestRun(request, 'IL-2 protocol scenarios', true);
    const summary = { passed: 0, failed: 0, errored: 0 };
    try {
      for (const [file, only] of files) {
        if (token.isCancellationRequested) break;
        if (file.uri === undefined || excluded.has(file.id)) continue;
        await this.runFile(run, file, file.uri, only, excluded, token, summary);
      }
    } finally {
      run.end();
    }
    return summary;
  }

  private async runFile(
    run: vscode.TestRun,
    file: vscode.TestItem,
    uri: vscode.Uri,
    only: Set<string> | undefined,
    excluded: Set<string>,
    token: vscode.CancellationToken,
    summary: { passed: number; failed: number; errored: number },
  ): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    this.discover(document);
    const wanted = (item: vscode.TestItem): boolean =>
      (only === undefined || only.has(item.id) || (item.parent !== undefined && only.has(item.parent.id))) && !excluded.has(item.id);
    const children = [...iterate(file.children)].filter((c) => !this.inheritedGroups.has(c) && wanted(c));
    for (const child of children) run.started(child);

    const fail = (text: string): void => {
      run.appendOutput(`${file.label}: ${text}\r\n`);
      for (const child of children) {
        run.errored(child, new vscode.TestMessage(text));
        summary.errored++;
      }
    };

    const client = await this.server.runningClient();
    if (client === undefined) {
      fail('the IL-2 language server is not running.');
      return;
    }
    let results: readonly ScenarioResult[];
    let inherited: readonly InheritedScenarioResult[];
    try {
      const response = await client.sendRequest(
        runScenariosRequest,
        { textDocument: { uri: client.code2ProtocolConverter.asUri(uri) } },
        token,
      );
      results = response.results;
      inherited = response.inherited ?? [];
    } catch (error) {
      fail(`the scenarios could not be run: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }

    // Match the server's results to the items by title (repeated titles in order), creating any the
    // text scan missed; the server's ranges win.
    const ids = scenarioIds(results.map((r) => r.title));
    const reported = new Set<string>();
    results.forEach((result, i) => {
      const id = ids[i] ?? result.title;
      let item = file.children.get(id);
      if (item === undefined) {
        item = this.controller.createTestItem(id, result.title, uri);
        file.children.add(item);
        if (only !== undefined) return; // not asked for
      }
      if (!wanted(item)) return;
      reported.add(id);
      const range = client.protocol2CodeConverter.asRange(result.range);
      item.range = range;
      if (result.passed) {
        run.passed(item);
        summary.passed++;
        run.appendOutput(`PASS ${result.title}\r\n`);
      } else {
        const report = failureReport(result);
        const message = report.diff
          ? vscode.TestMessage.diff(report.message, report.diff.expected, report.diff.actual)
          : new vscode.TestMessage(report.message);
        message.location = new vscode.Location(uri, range);
        run.failed(item, message);
        summary.failed++;
        run.appendOutput(`FAIL ${result.title}: ${result.message.replace(/\r?\n/g, '\r\n  ')}\r\n`, new vscode.Location(uri, range), item);
      }
    });
    for (const child of children) {
      if (!reported.has(child.id)) run.skipped(child);
    }
    this.reportInherited(run, file, inherited, wanted, summary, client.protocol2CodeConverter);
  }

  /** The base protocols' scenarios, one group per base, each item at its title in the base's file. */
  private reportInherited(
    run: vscode.TestRun,
    file: vscode.TestItem,
    inherited: readonly InheritedScenarioResult[],
    wanted: (item: vscode.TestItem) => boolean,
    summary: { passed: number; failed: number; errored: number },
    converter: { asUri(value: string): vscode.Uri; asRange(value: InheritedScenarioResult['range']): vscode.Range },
  ): void {
    const byProtocol = new Map<string, InheritedScenarioResult[]>();
    for (const result of inherited) byProtocol.set(result.protocol, [...(byProtocol.get(result.protocol) ?? []), result]);
    for (const group of [...iterate(file.children)].filter((c) => this.inheritedGroups.has(c))) {
      if (!byProtocol.has(group.label.replace(/^inherited from /, ''))) file.children.delete(group.id);
    }
    for (const [protocol, results] of byProtocol) {
      const groupId = inheritedGroupId(protocol);
      const first = results[0];
      let group = file.children.get(groupId);
      if (group === undefined) {
        group = this.controller.createTestItem(groupId, inheritedGroupLabel(protocol), first ? converter.asUri(first.uri) : undefined);
        this.inheritedGroups.add(group);
        file.children.add(group);
      }
      const ids = scenarioIds(results.map((r) => r.title));
      const items = results.map((result, i) => {
        const uri = converter.asUri(result.uri);
        const id = `${groupId}/${ids[i] ?? result.title}`;
        const item = group.children.get(id) ?? this.controller.createTestItem(id, result.title, uri);
        item.range = converter.asRange(result.range);
        item.description = result.outcome === 'stricter' ? 'stricter here' : undefined;
        return { item, result, uri };
      });
      group.children.replace(items.map((i) => i.item));
      for (const { item, result, uri } of items) {
        if (!wanted(item)) continue;
        run.started(item);
        const report = inheritedReport(result);
        if (result.passed) {
          run.passed(item);
          summary.passed++;
          run.appendOutput(`PASS ${protocol}: ${result.title}${report.note ? ` (${report.note})` : ''}\r\n`);
        } else {
          const message = report.diff
            ? vscode.TestMessage.diff(report.message, report.diff.expected, report.diff.actual)
            : new vscode.TestMessage(report.message);
          message.location = new vscode.Location(uri, item.range ?? new vscode.Range(0, 0, 0, 0));
          run.failed(item, message);
          summary.failed++;
          run.appendOutput(`FAIL ${protocol}: ${result.title}: ${report.message}\r\n`);
        }
      }
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((item) => items.push(item));
  yield* items;
}
