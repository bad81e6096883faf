// "Compare with Committee Version" against a stand-in for the VS Code API: the review packet must open as the
// Markdown preview of a read-only virtual document, in one tab, never as an (unsaved, editable) text buffer.
// src/compare.ts is bundled with esbuild, `vscode` and the language client resolved to the stand-ins below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
  }
  static from({ scheme, path }) {
    return new Uri(scheme, path);
  }
  toString() {
    return `${this.scheme}:${this.path}`;
  }
}

class EventEmitter {
  listeners = [];
  event = (listener) => {
    this.listeners.push(listener);
    return { dispose() {} };
  };
  fire(value) {
    for (const l of this.listeners) l(value);
  }
  dispose() {}
}

/** The calls the command makes, and what the user answers. */
function fakeVscode({ revision = 'committee-2026-11', cancelled = false, activeUri = new Uri('file', '/w/protocols/post-til-il2.il2') } = {}) {
  const calls = [];
  const record = (name) => (...args) => {
    calls.push([name, ...args]);
    return Promise.resolve(undefined);
  };
  const vscode = {
    Uri,
    EventEmitter,
    window: {
      activeTextEditor: { document: { languageId: 'il2', uri: activeUri } },
      showInputBox: (options) => {
        calls.push(['showInputBox', options]);
        return Promise.resolve(cancelled ? undefined : revision);
      },
      showErrorMessage: record('showErrorMessage'),
      showInformationMessage: record('showInformationMessage'),
      showTextDocument: record('showTextDocument'),
      setStatusBarMessage: (...args) => calls.push(['setStatusBarMessage', ...args]),
    },
    workspace: {
      getConfiguration: () => ({ get: (_key, fallback) => fallback }),
      openTextDocument: record('openTextDocument'),
    },
    commands: { executeCommand: record('executeCommand') },
  };
  return { vscode, calls };
}

const serverAnswering = (...answers) => {
  const requests = [];
  const client = {
    code2ProtocolConverter: { asUri: (uri) => uri.toString() },
    sendRequest: (type, params) => {
      requests.push([type.method, params]);
      return Promise.resolve(answers.shift());
    },
  };
  return { server: { runningClient: () => Promise.resolve(client) }, requests };
};

async function loadCompare(vscode) {
  const dir = mkdtempSync(join(tmpdir(), 'il2-compare-test-'));
  try {
    const outfile = join(dir, 'compare.cjs');
    await build({
      entryPoints: [join(root, 'src', 'compare.ts')],
      bundle: true,
      outfile,
      format: 'cjs',
      platform: 'node',
      external: ['vscode', 'vscode-languageclient/node'],
      logLevel: 'silent',
    });
    const require = createRequire(outfile);
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (request === 'vscode') return vscode;
      if (request === 'vscode-languageclient/node') {
        return { RequestType: class { constructor(method) { this.method = method; } } };
      }
      return load.call(this, request, ...rest);
    };
    try {
      return require(outfile);
    } finally {
      Module._load = load;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PACKET = '# Protocol change review: post-til-il2\n\n**Overall: LESS CONSERVATIVE**\n';

test('the review packet opens as the Markdown preview of a read-only document, beside the protocol, and no text editor', async () => {
  const { vscode, calls } = fakeVscode();
  const compare = await loadCompare(vscode);
  const { server, requests } = serverAnswering({ markdown: PACKET, verdict: 'less conservative' });
  const documents = new compare.CompareDocuments();
  await compare.compareWithCommitteeVersion(server, documents);

  assert.deepEqual(requests, [
    ['il2/compareWithRevision', { textDocument: { uri: 'file:/w/protocols/post-til-il2.il2' }, revision: 'committee-2026-11' }],
  ]);
  const opened = calls.filter(([name]) => ['executeCommand', 'openTextDocument', 'showTextDocument'].includes(name));
  assert.equal(opened.length, 1, `one thing opened: ${JSON.stringify(opened)}`);
  const [[, command, uri]] = opened;
  assert.equal(command, 'markdown.showPreviewToSide', 'the rendered preview only, beside the protocol');
  assert.equal(uri.scheme, compare.COMPARE_SCHEME, 'a virtual document (read-only: no file, nothing to save)');
  assert.ok(uri.path.endsWith('.md'), 'the preview reads it as Markdown');
  assert.equal(documents.provideTextDocumentContent(uri), PACKET, 'the preview shows the server\'s packet as it is');
  assert.ok(calls.some(([name, text]) => name === 'setStatusBarMessage' && /post-til-il2\.il2 vs committee-2026-11: less conservative/.test(text)));
});

test('comparing again refreshes the same preview (one tab), with the new packet', async () => {
  const { vscode, calls } = fakeVscode();
  const compare = await loadCompare(vscode);
  const second = '# Protocol change review: post-til-il2\n\n**Overall: NO CHANGE IN SAFETY**\n';
  const { server } = serverAnswering({ markdown: PACKET }, { markdown: second });
  const documents = new compare.CompareDocuments();
  const changed = [];
  documents.onDidChange((uri) => changed.push(uri.toString()));
  await compare.compareWithCommitteeVersion(server, documents);
  await compare.compareWithCommitteeVersion(server, documents);

  const previews = calls.filter(([name]) => name === 'executeCommand').map(([, , uri]) => uri.toString());
  assert.equal(previews.length, 2);
  assert.equal(previews[0], previews[1], 'both comparisons show the same document, so the preview keeps one tab');
  assert.deepEqual(changed, [previews[0], previews[0]], 'each comparison tells the open preview to refresh');
  const uri = compare.compareUri(vscode.window.activeTextEditor.document.uri);
  assert.equal(uri.toString(), previews[0]);
  assert.equal(documents.provideTextDocumentContent(uri), second, 'the preview now reads the second packet');
});

test('a revision the server cannot compare with is an error message, and nothing opens', async () => {
  const { vscode, calls } = fakeVscode({ revision: 'no-such-tag' });
  const compare = await loadCompare(vscode);
  const { server } = serverAnswering({ error: "unknown revision 'no-such-tag'" });
  await compare.compareWithCommitteeVersion(server, new compare.CompareDocuments());
  assert.ok(calls.some(([name, text]) => name === 'showErrorMessage' && text.includes("unknown revision 'no-such-tag'")));
  assert.equal(calls.filter(([name]) => ['executeCommand', 'openTextDocument', 'showTextDocument'].includes(name)).length, 0);
});

test('cancelling the revision prompt asks the server nothing and opens nothing', async () => {
  const { vscode, calls } = fakeVscode({ cancelled: true });
  const compare = await loadCompare(vscode);
  const { server, requests } = serverAnswering();
  await compare.compareWithCommitteeVersion(server, new compare.CompareDocuments());
  assert.equal(requests.length, 0);
  assert.equal(calls.filter(([name]) => ['executeCommand', 'openTextDocument', 'showTextDocument'].includes(name)).length, 0);
});
