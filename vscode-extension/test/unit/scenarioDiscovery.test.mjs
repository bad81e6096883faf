import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { discoverScenarios, scenarioIds, unescapeString } from '../../out/lib/scenarioDiscovery.mjs';

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
