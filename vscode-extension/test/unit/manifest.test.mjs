// Checks of the static contributions: package.json, the problem matcher and the language configuration.
// Snippets come from the language server (only where a declaration may start, with ids that are free), so the
// extension contributes none: static snippets would be offered everywhere, inside a `when` too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

test('identity and entry point', () => {
  assert.equal(pkg.name, 'il2-protocols');
  assert.equal(pkg.displayName, 'IL-2 Protocols');
  assert.equal(pkg.publisher, 'iltwo');
  assert.equal(pkg.engines.vscode, '^1.90.0');
  assert.equal(pkg.main, './out/extension.js');
  assert.match(pkg.devDependencies['@types/vscode'], /^\^?1\.90\./);
});

test('the il2 language, its grammar and configuration; no static snippets, no words from comments', () => {
  assert.deepEqual(contributes.languages.map((l) => [l.id, l.extensions]), [['il2', ['.il2']]]);
  assert.deepEqual(contributes.grammars.map((g) => [g.language, g.scopeName, g.path]), [
    ['il2', 'source.il2', './syntaxes/il2.tmLanguage.json'],
  ]);
  for (const file of [contributes.languages[0].configuration, contributes.grammars[0].path]) {
    assert.ok(existsSync(join(root, file)), `${file} exists`);
    JSON.parse(readFileSync(join(root, file), 'utf8'));
  }
  const grammar = JSON.parse(readFileSync(join(root, 'syntaxes/il2.tmLanguage.json'), 'utf8'));
  assert.equal(grammar.scopeName, 'source.il2');
  assert.equal(contributes.snippets, undefined, 'the server offers the snippets where they fit');
  assert.deepEqual(contributes.configurationDefaults['[il2]'], { 'editor.wordBasedSuggestions': 'off', 'editor.snippetSuggestions': 'bottom' });
});

test('the four commands, each with the title the issue names', () => {
  const commands = Object.fromEntries(contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.deepEqual(commands, {
    'il2.showGeneratedCSharp': 'IL-2 Protocols: Show Generated C#',
    'il2.runProtocolTests': 'IL-2 Protocols: Run Protocol Tests',
    'il2.compareWithCommitteeVersion': 'IL-2 Protocols: Compare with Committee Version',
    'il2.restartServer': 'IL-2 Protocols: Restart Language Server',
  });
  assert.equal(contributes.configuration.properties['il2.committeeRevision'].default, 'HEAD');
});

test('Format Document has a binding the browser build does not take: Ctrl+K Ctrl+F in .il2 files', () => {
  const formats = contributes.keybindings.filter((k) => k.command === 'editor.action.formatDocument');
  assert.equal(formats.length, 1);
  const [binding] = formats;
  assert.equal(binding.key, 'ctrl+k ctrl+f');
  assert.equal(binding.mac, 'cmd+k cmd+f');
  assert.match(binding.when, /editorLangId == il2/, 'only in .il2 files');
  assert.match(binding.when, /!editorReadonly/);
  // Chromium keeps Ctrl+Shift+I (developer tools) and code-server's menu bar Alt+F (Shift+Alt+F opens the File menu).
  for (const key of [binding.key, binding.mac]) {
    assert.doesNotMatch(key, /alt|shift\+i|ctrl\+(n|t|w)\b/, `${key} is not one the browser keeps`);
  }
  // Both READMEs say which shortcut formats.
  for (const readme of [join(root, 'README.md'), join(root, '..', 'README.md')]) {
    assert.match(readFileSync(readme, 'utf8'), /Ctrl\+K Ctrl\+F/, `${readme} documents Ctrl+K Ctrl+F`);
  }
});

test('settings', () => {
  const props = contributes.configuration.properties;
  assert.equal(props['il2.server.path'].type, 'string');
  assert.equal(props['il2.server.path'].default, '');
  assert.deepEqual(props['il2.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['il2.trace.server'].default, 'off');
  assert.equal(props['il2.diagnostics.docsBaseUri'].type, 'string');
  assert.equal(props['il2.diagnostics.docsBaseUri'].default, '', 'empty links the bundled pages');
});

test('packaging copies the diagnostic pages into the extension and the .vsix keeps them', () => {
  assert.match(pkg.scripts['vscode:prepublish'], /copy-docs/);
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('!docs/diagnostics/*.md'), '.vscodeignore lets docs/diagnostics/*.md into the .vsix');
});

test('the $il2 problem matcher reads `il2 check` lines', () => {
  const [matcher] = contributes.problemMatchers;
  assert.equal(matcher.name, 'il2');
  const { pattern } = matcher;
  const re = new RegExp(pattern.regexp);
  const cases = [
    ['protocols/hd-il2-monotherapy.il2(12,5): error IL0123: unknown observation sbpp', ['protocols/hd-il2-monotherapy.il2', '12', '5', 'error', 'IL0123', 'unknown observation sbpp']],
    ['/abs/path with space/p.il2(1,1): warning IL0007: rule never fires (sbp < 0 mm[Hg])', ['/abs/path with space/p.il2', '1', '1', 'warning', 'IL0007', 'rule never fires (sbp < 0 mm[Hg])']],
    ['C:\\work\\p.il2(300,17): info IL9999: note: x', ['C:\\work\\p.il2', '300', '17', 'info', 'IL9999', 'note: x']],
  ];
  for (const [line, expected] of cases) {
    const m = re.exec(line);
    assert.ok(m, line);
    const groups = [pattern.file, pattern.line, pattern.column, pattern.severity, pattern.code, pattern.message].map((i) => m[i]);
    assert.deepEqual(groups, expected);
  }
  for (const line of ['p.il2: error IL0123: x', 'p.il2(1,2): fatal IL0123: x', 'p.il2(1,2): error CS0123: x', '3 passed, 0 failed']) {
    assert.equal(re.exec(line), null, line);
  }
});

test('words include hyphens and underscores inside names', () => {
  const config = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '//');
  const words = 'when intubated-over-72h is yes and hold_rule > 113.12 and sbp- x'.match(new RegExp(config.wordPattern, 'g'));
  assert.deepEqual(words, ['when', 'intubated-over-72h', 'is', 'yes', 'and', 'hold_rule', '113.12', 'and', 'sbp', 'x']);
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('observation sbp "Systolic {BP}" {'));
  assert.ok(!increase.test('title "a {"'));
  assert.ok(decrease.test('  }'));
});

test('the il2 debugger: breakpoints in .il2 files, a launch configuration with program, scenario and stopOnEntry', () => {
  assert.deepEqual(contributes.breakpoints, [{ language: 'il2' }]);
  const [debug] = contributes.debuggers;
  assert.equal(debug.type, 'il2');
  assert.deepEqual(debug.languages, ['il2']);
  const launch = debug.configurationAttributes.launch;
  assert.deepEqual(launch.required, ['program']);
  assert.deepEqual(Object.keys(launch.properties), ['program', 'scenario', 'stopOnEntry']);
  const [snippet] = debug.configurationSnippets;
  assert.equal(snippet.body.type, 'il2');
  assert.equal(snippet.body.request, 'launch');
  assert.ok(pkg.activationEvents.includes('onDebugResolve:il2'));
});
