import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { discoverHeader, discoverScenarios, inheritedScenarios, scenarioIds, unescapeString } from '../../out/lib/scenarioDiscovery.mjs';

test('finds scenarios with their ranges, skipping comments and strings', () => {
  const text = [
    '// scenario "in a comment" { }',
    'title "scenario \\"in a string\\""',
    'scenario "a stable patient gets the next dose" using stable-patient {',
    '  expect give',
    '}',
    '',
    '  scenario "SBP 84 mm[Hg] holds {the} dose" {',
    '  sbp 84 mm[Hg] 1 h ago',
    '  expect hold because sbp-below-90 }',
  ].join('\n');
  assert.deepEqual(discoverScenarios(text), [
    {
      title: 'a stable patient gets the next dose',
      range: { start: { line: 2, character: 0 }, end: { line: 4, character: 1 } },
    },
    {
      title: 'SBP 84 mm[Hg] holds {the} dose',
      range: { start: { line: 6, character: 2 }, end: { line: 8, character: 36 } },
    },
  ]);
});

test('a scenario without a body ends at its title; an unclosed body at the end of the text', () => {
  const [a, b] = discoverScenarios('scenario "a"\nscenario "b" {\n  expect give\n');
  assert.deepEqual(a.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 12 } });
  assert.equal(b.title, 'b');
  assert.deepEqual(b.range.end, { line: 2, character: 13 });
});

test('a name that contains scenario is not a scenario', () => {
  assert.deepEqual(discoverScenarios('const my-scenario = 1\nscenario-x "no"'), []);
});

test('titles are unescaped like the compiler does', () => {
  assert.equal(unescapeString('"say \\"hold\\" \\\\ \\n\\t\\x"'), 'say "hold" \\ \n\tx');
  assert.equal(unescapeString('"unterminated'), 'unterminated');
  assert.equal(unescapeString('"ends with escape\\"'), 'ends with escape"');
});

test('repeated titles get distinct ids', () => {
  assert.deepEqual(scenarioIds(['a', 'b', 'a', 'a']), ['a', 'b', 'a#2', 'a#3']);
});

test('finds every scenario of the shipped monotherapy protocol', () => {
  const text = readFileSync(new URL('../../../protocols/hd-il2-monotherapy.il2', import.meta.url), 'utf8');
  const expected = [...text.matchAll(/^scenario "([^"]*)"/gm)].map((m) => m[1]);
  const found = discoverScenarios(text);
  assert.ok(expected.length > 0);
  assert.deepEqual(found.map((s) => s.title), expected);
  const lines = text.split('\n');
  for (const s of found) {
    assert.ok(lines[s.range.start.line].startsWith('scenario'));
    assert.equal(lines[s.range.end.line][s.range.end.character - 1], '}');
  }
});

const listed = (key, text) => ({ key, header: discoverHeader(text), scenarios: discoverScenarios(text) });

test("before any run, the shipped post-TIL protocol lists monotherapy's scenarios it inherits, minus the ones it overrides", () => {
  const mono = readFileSync(new URL('../../../protocols/hd-il2-monotherapy.il2', import.meta.url), 'utf8');
  const post = readFileSync(new URL('../../../protocols/post-til-il2.il2', import.meta.url), 'utf8');
  assert.deepEqual(discoverHeader(post), { id: 'post-til-il2', extends: 'hd-il2-monotherapy' });
  assert.deepEqual(discoverHeader(mono), { id: 'hd-il2-monotherapy' });
  const files = [listed('file:///w/mono.il2', mono), listed('file:///w/post.il2', post)];
  const byId = new Map(files.map((f) => [f.header.id, f]));

  const titles = (text, prefix) =>
    text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).replace(/".*$/, ''));
  const overridden = titles(post, 'override scenario "');
  assert.ok(overridden.length >= 2, 'post-TIL overrides scenarios of monotherapy');
  const expected = titles(mono, 'scenario "').filter((t) => !overridden.includes(t));

  const inherited = inheritedScenarios(files[1], byId);
  assert.deepEqual(inherited.map((s) => s.title), expected);
  assert.ok(inherited.every((s) => s.protocol === 'hd-il2-monotherapy' && s.key === 'file:///w/mono.il2'), 'each at its place in the base file');
  const sbp = inherited.find((s) => s.title === 'SBP 84 mm[Hg] holds the dose');
  assert.ok(sbp, "monotherapy's SBP scenario is listed under post-TIL");
  assert.equal(mono.split('\n')[sbp.range.start.line].startsWith('scenario "SBP 84 mm[Hg] holds the dose"'), true, "at the scenario's line");
  for (const title of overridden) assert.ok(!inherited.some((s) => s.title === title), `'${title}' runs as post-TIL's own override`);
  assert.deepEqual(inheritedScenarios(files[0], byId), [], 'a protocol that extends none inherits nothing');
});

test('inherited scenarios come up the whole chain, the nearest version of a title wins, a cycle ends', () => {
  const a = listed('file:///a.il2', 'protocol a\nscenario "one" { expect give }\nscenario "two" { expect give }');
  const b = listed('file:///b.il2', 'protocol b\nextends a\noverride scenario "two" because "x" { expect hold }\nscenario "three" { expect give }');
  const c = listed('file:///c.il2', 'protocol c\nextends b\noverride scenario "three" because "y" { expect give }');
  const byId = new Map([a, b, c].map((f) => [f.header.id, f]));
  assert.deepEqual(
    inheritedScenarios(c, byId).map((s) => `${s.protocol}: ${s.title}`),
    ['b: two', 'a: one'],
    "b's own (its override of two; three is c's override), then a's that b did not override",
  );
  assert.deepEqual(inheritedScenarios(listed('file:///d.il2', 'protocol d\nextends missing'), byId), [], 'a base not in the workspace');
  const x = listed('file:///x.il2', 'protocol x\nextends y\nscenario "in x" { expect give }');
  const y = listed('file:///y.il2', 'protocol y\nextends x\nscenario "in y" { expect give }');
  const cyclic = new Map([x, y].map((f) => [f.header.id, f]));
  assert.deepEqual(inheritedScenarios(x, cyclic).map((s) => s.title), ['in y']);
});
