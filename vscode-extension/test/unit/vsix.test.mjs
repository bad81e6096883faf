// Checks what the packaged extension holds, and that its bundled server starts and answers initialize.
// Runs when IL2_VSIX points to a .vsix (CI packages the extension with the published server first, see
// scripts/bundle-server.sh); skips otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AdmZip from 'adm-zip';
// Through vscode-languageclient, the client library the extension ships with.
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { buildInitializationOptions } from '../../out/lib/initializationOptions.mjs';

const repoDocs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'diagnostics');

const vsix = process.env.IL2_VSIX;
const skip =
  vsix === undefined || vsix === ''
    ? 'IL2_VSIX is not set: package the extension (npm run bundle-server && npm run package) and set IL2_VSIX to the .vsix to run this test'
    : false;

test('the .vsix holds the manifest, grammar, configuration, client and bundled server', { skip }, () => {
  assert.ok(existsSync(vsix), `IL2_VSIX=${vsix} does not exist`);
  const entries = new AdmZip(vsix).getEntries().map((e) => e.entryName);
  const required = [
    'extension/package.json',
    'extension/syntaxes/il2.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/out/extension.js',
    'extension/server/il2.dll',
    'extension/docs/diagnostics/README.md',
    'extension/docs/diagnostics/IL0202.md',
  ];
  for (const entry of required) {
    assert.ok(entries.includes(entry), `${entry} is in ${vsix}`);
  }
  // Nothing that only builds or tests the extension.
  for (const entry of entries) {
    assert.ok(!/^extension\/(src|test|scripts|node_modules)\//.test(entry), `${entry} should not be packaged`);
    assert.ok(!/^extension\/(tsconfig\.json|eslint\.config\.mjs|package-lock\.json)$/.test(entry), `${entry} should not be packaged`);
    assert.ok(!entry.endsWith('.map'), `${entry} should not be packaged`);
  }
});

test('the .vsix holds every diagnostic page of the repository, as it is there', { skip }, () => {
  const zip = new AdmZip(vsix);
  const pages = readdirSync(repoDocs).filter((f) => f.endsWith('.md')).sort();
  assert.ok(pages.length > 10 && pages.includes('IL0202.md'), `pages in ${repoDocs}: ${pages.length}`);
  const packaged = zip
    .getEntries()
    .map((e) => e.entryName)
    .filter((n) => n.startsWith('extension/docs/'))
    .map((n) => n.slice('extension/docs/diagnostics/'.length))
    .sort();
  assert.deepEqual(packaged, pages, 'extension/docs/ holds exactly docs/diagnostics/*.md');
  for (const page of ['README.md', 'IL0202.md']) {
    const entry = zip.getEntry(`extension/docs/diagnostics/${page}`);
    assert.equal(entry.getData().toString('utf8'), readFileSync(path.join(repoDocs, page), 'utf8'), `${page} is the repository's`);
  }
});

test('installed from the .vsix, the server links each diagnostic to its bundled page', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'il2-vsix-docs-'));
  let server;
  try {
    new AdmZip(vsix).extractAllTo(dir, true);
    const extensionPath = path.join(dir, 'extension');
    // The initializationOptions the extension sends when il2.diagnostics.docsBaseUri is empty.
    const { options } = buildInitializationOptions({ extensionPath, configuredDocsBaseUri: '' });
    server = spawn('dotnet', [path.join(extensionPath, 'server', 'il2.dll'), 'lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    server.on('error', () => undefined);
    const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    const uri = pathToFileURL(path.join(dir, 'broken.il2')).href;
    const published = new Promise((resolve) => {
      connection.onNotification('textDocument/publishDiagnostics', (p) => {
        if (p.uri === uri && p.diagnostics.length > 0) resolve(p.diagnostics);
      });
    });
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
      initializationOptions: options,
    });
    connection.sendNotification('initialized', {});
    connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'il2', version: 1, text: 'protocol § broken {\n' },
    });
    let timer;
    const diagnostics = await Promise.race([
      published,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no diagnostics published; stderr: ${stderr}`)), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const coded = diagnostics.filter((d) => /^IL\d{4}$/.test(String(d.code)));
    assert.ok(coded.length > 0, `a catalogue code among ${JSON.stringify(diagnostics)}`);
    for (const d of coded) {
      const href = d.codeDescription?.href;
      assert.equal(href, `${options.diagnosticDocsBaseUri}${d.code}.md`, `${d.code} links its page`);
      const page = fileURLToPath(href);
      assert.ok(existsSync(page), `${page} (the link of ${d.code}) is installed with the extension`);
      assert.match(readFileSync(page, 'utf8'), new RegExp(`^# ${d.code}: `), `${page} is the page of ${d.code}`);
    }
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    connection.dispose();
  } finally {
    if (server && server.exitCode === null && server.signalCode === null) server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled server starts from the .vsix and answers initialize, shutdown and exit', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'il2-vsix-server-'));
  let server;
  try {
    const prefix = 'extension/server/';
    for (const entry of new AdmZip(vsix).getEntries()) {
      if (entry.isDirectory || !entry.entryName.startsWith(prefix)) continue;
      const target = path.join(dir, entry.entryName.slice(prefix.length));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, entry.getData());
    }
    const dll = path.join(dir, 'il2.dll');
    assert.ok(existsSync(dll), `${prefix}il2.dll is in ${vsix}`);

    // As the extension runs it: `dotnet <extension>/server/il2.dll lsp`, LSP over stdio.
    server = spawn('dotnet', [dll, 'lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve, reject) => {
      server.on('exit', (code, signal) => resolve({ code, signal }));
      server.on('error', reject);
    });
    const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    connection.listen();

    let answered = false;
    const init = await Promise.race([
      connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} }),
      exited.then(({ code }) => (answered ? undefined : Promise.reject(new Error(`the server exited (code ${code}) before answering initialize; stderr: ${stderr}`)))),
    ]);
    answered = true;
    assert.equal(init.serverInfo?.name, 'il2', `serverInfo.name in ${JSON.stringify(init.serverInfo)}`);
    assert.ok(init.capabilities?.hoverProvider, `capabilities.hoverProvider in ${JSON.stringify(init.capabilities)}`);
    connection.sendNotification('initialized', {});

    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    const { code, signal } = await exited;
    connection.dispose();
    assert.equal(code, 0, `the server exits with 0 after shutdown and exit (signal ${signal}); stderr: ${stderr}`);
  } finally {
    if (server && server.exitCode === null && server.signalCode === null) server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
