// Edit -> diagnostics latency through the real process (`dotnet il2.dll lsp` on stdio), as an editor sees it.
// Run: node latency.mjs <il2.dll> <protocol.il2> [iterations]. Prints the median and p90 of the time from sending a
// one-character didChange to the first publishDiagnostics for that version (the server's 150 ms debounce included).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node.js';

const [dll, file, count = '30'] = process.argv.slice(2);
const iterations = Number(count);
const text = readFileSync(file, 'utf8');
const uri = pathToFileURL(file).href;
const server = spawn('dotnet', [dll, 'lsp'], { stdio: ['pipe', 'pipe', 'ignore'] });
const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
const waiting = new Map();
connection.onNotification('textDocument/publishDiagnostics', (params) => {
  const resolve = waiting.get(params.version);
  if (resolve) { waiting.delete(params.version); resolve(); }
});
connection.listen();
const diagnostics = (version) => new Promise((resolve) => waiting.set(version, resolve));

await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
connection.sendNotification('initialized', {});
let version = 1;
let opened = diagnostics(version);
connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'il2', version, text } });
await opened;

const lines = text.split('\n');
const line = lines.findIndex((l, i) => i >= lines.length / 2 && l.startsWith('  when lab-') && l.includes('>= '));
const character = lines[line].indexOf('>= ') + 3;
const original = lines[line][character];
const times = [];
for (let i = 0; i < iterations + 5; i++) {
  const replacement = i % 2 === 0 ? (original === '1' ? '2' : '1') : original;
  const published = diagnostics(++version);
  const started = performance.now();
  connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: replacement }],
  });
  await published;
  if (i >= 5) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`edit -> first diagnostics over stdio: median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms (${times.length} edits)`);
await connection.sendRequest('shutdown');
connection.sendNotification('exit');
await new Promise((resolve) => server.on('exit', resolve));
process.exit(0);
