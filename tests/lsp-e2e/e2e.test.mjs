// Drives the built server (`dotnet il2.dll lsp`) through vscode-languageserver-protocol, the client library VS Code uses.
// Run: dotnet build src/IlTwo.Cli && cd tests/lsp-e2e && npm ci && node --test   (IL2_SERVER_DLL overrides the server path)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const serverDll = process.env.IL2_SERVER_DLL ?? path.join(repo, 'src', 'IlTwo.Cli', 'bin', 'Debug', 'net10.0', 'il2.dll');
const protocolPath = path.join(repo, 'protocols', 'post-til-il2.il2');
const uri = pathToFileURL(protocolPath).href;

function positionOf(text, needle, delta = 0) {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `'${needle}' not found`);
  const before = text.slice(0, index + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

function diagnosticsWaiter(connection) {
  const waiting = [];
  const received = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    received.push(params);
    for (const w of [...waiting]) {
      if (w.predicate(params)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(params);
      }
    }
  });
  return (predicate, timeoutMs = 30000) => new Promise((resolve, reject) => {
    const hit = received.find(predicate);
    if (hit) return resolve(hit);
    const timer = setTimeout(() => reject(new Error('timed out waiting for diagnostics')), timeoutMs);
    waiting.push({ predicate, resolve: (p) => { clearTimeout(timer); resolve(p); } });
  });
}

test('the il2 language server, end to end', { timeout: 120000 }, async () => {
  assert.ok(existsSync(serverDll), `server not built: ${serverDll} (dotnet build src/IlTwo.Cli, or set IL2_SERVER_DLL)`);
  const server = spawn('dotnet', [serverDll, 'lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));

  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waitForDiagnostics = diagnosticsWaiter(connection);
  connection.listen();

  try {
    const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(repo).href, capabilities: {} });
    assert.equal(init.serverInfo.name, 'il2');
    for (const capability of ['hoverProvider', 'completionProvider', 'renameProvider', 'codeActionProvider', 'semanticTokensProvider']) {
      assert.ok(init.capabilities[capability], `${capability} is advertised`);
    }
    await connection.sendNotification('initialized', {});

    let text = readFileSync(protocolPath, 'utf8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'il2', version: 1, text } });
    const opened = await waitForDiagnostics((p) => p.uri === uri && p.version === 1);
    assert.deepEqual(opened.diagnostics.filter((d) => d.severity === 1), [], 'the shipped protocol has no errors');

    // Break it: type a bad unit.
    const unitAt = positionOf(text, '>= 2.5 mg/dL', 7);
    const badRange = { start: unitAt, end: { line: unitAt.line, character: unitAt.character + 5 } };
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: badRange, text: 'mmHg' }] });
    const broken = await waitForDiagnostics((p) => p.uri === uri && p.version === 2 && p.diagnostics.some((d) => d.severity === 1));
    const error = broken.diagnostics.find((d) => d.severity === 1);
    assert.match(error.code, /^IL\d{4}$/);
    assert.equal(error.source, 'il2');
    assert.equal(error.range.start.line, unitAt.line);

    // The quick fix is offered.
    const actions = await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: error.range, context: { diagnostics: [error] } });
    assert.ok(actions.some((a) => a.kind === 'quickfix'), 'a quick fix for the unit');

    // Fix it: the diagnostic clears.
    const fixedRange = { start: unitAt, end: { line: unitAt.line, character: unitAt.character + 4 } };
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: fixedRange, text: 'mg/dL' }] });
    const fixed = await waitForDiagnostics((p) => p.uri === uri && p.version === 3);
    assert.deepEqual(fixed.diagnostics.filter((d) => d.severity === 1), []);

    // Hover an (inherited) observation.
    const hover = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'creatinine >= 2.5', 2) });
    assert.match(hover.contents.value, /Serum creatinine/);
    assert.match(hover.contents.value, /2160-0/);

    // Complete after `cite `.
    const citeLine = positionOf(text, '  cite dutcher-2014 "relative', 0);
    const citeAt = { line: citeLine.line, character: '  cite '.length };
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: { start: citeAt, end: { line: citeAt.line, character: citeAt.character + 'dutcher-2014'.length } }, text: '' }],
    });
    const completion = await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: citeAt });
    const labels = (Array.isArray(completion) ? completion : completion.items).map((i) => i.label);
    assert.ok(labels.includes('betof-warner-2024'), `references offered after cite: ${labels.join(', ')}`);
    assert.ok(labels.includes('dutcher-2014'), 'inherited references too');
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 5 },
      contentChanges: [{ range: { start: citeAt, end: citeAt }, text: 'dutcher-2014' }],
    });

    // Rename a rule: every use in the file (and in the base on disk).
    const ruleAt = positionOf(text, 'hold rule oliguria-despite-boluses', 'hold rule '.length + 1);
    const prepared = await connection.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: ruleAt });
    assert.equal(prepared.placeholder, 'oliguria-despite-boluses');
    const edit = await connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: ruleAt, newName: 'persistent-oliguria' });
    const edits = edit.changes[uri];
    assert.equal(edits.length, 2, 'the declaration and the scenario that expects it');
    assert.ok(edits.every((e) => e.newText === 'persistent-oliguria'));

    // An invalid name is refused.
    await assert.rejects(connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: ruleAt, newName: 'when' }), /keyword/);

    // Formatting: spoil the layout of the version line, and the server's edits put it back.
    assert.ok(init.capabilities.documentFormattingProvider, 'formatting is advertised');
    const versionLine = positionOf(text, 'version 1.0.0', 0).line;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 6 },
      contentChanges: [{ range: { start: { line: versionLine, character: 'version'.length }, end: { line: versionLine, character: 'version '.length } }, text: '    ' }],
    });
    const formatting = await connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.ok(Array.isArray(formatting) && formatting.length > 0, 'edits for the spoiled line');
    assert.ok(formatting.some((e) => e.range.start.line <= versionLine && e.range.end.line >= versionLine), 'an edit covers the spoiled line');
    assert.ok(formatting.every((e) => !e.newText.includes('version    1.0.0')), 'the edits restore one space');

    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    const code = await exited;
    assert.equal(code, 0, `exit code (stderr: ${stderr})`);
  } finally {
    connection.dispose();
    server.kill();
  }
});
