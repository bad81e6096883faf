import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  failureReport,
  inheritedGroupId,
  inheritedReport,
  inExcludedFolder,
  isListedProtocol,
  listedUnder,
  runSummaryText,
} from '../../out/lib/scenarioResults.mjs';
import { discoverScenarios } from '../../out/lib/scenarioDiscovery.mjs';

test('a failure carries expected and actual for the diff when the server gives both', () => {
  const report = failureReport({
    title: 'creatinine 2.6 mg/dL holds',
    passed: false,
    message: 'expected hold because creatinine-high, got give: give',
    expected: 'hold because creatinine-high',
    actual: 'give',
  });
  assert.equal(report.message, 'expected hold because creatinine-high, got give: give');
  assert.deepEqual(report.diff, { expected: 'expect hold because creatinine-high', actual: 'decided give' });
});

test('a failure without expected/actual (not run, older server) is the message alone', () => {
  assert.deepEqual(failureReport({ title: 't', passed: false, message: 'not run: the protocol has 2 error(s)' }), {
    message: 'not run: the protocol has 2 error(s)',
  });
  assert.deepEqual(failureReport({ title: 't', passed: false, message: '', expected: null, actual: 'give' }), {
    message: 'The scenario failed.',
  });
});

test('the run summary says so when every scenario passed', () => {
  assert.equal(runSummaryText({ passed: 38, failed: 0, errored: 0 }), 'all 38 scenarios passed.');
  assert.equal(runSummaryText({ passed: 1, failed: 0, errored: 0 }), 'all 1 scenario passed.');
  assert.equal(runSummaryText({ passed: 36, failed: 2, errored: 0 }), '36 passed, 2 failed.');
  assert.equal(runSummaryText({ passed: 0, failed: 0, errored: 3 }), '0 passed, 0 failed, 3 could not run.');
  assert.equal(runSummaryText({ passed: 0, failed: 0, errored: 0 }), 'this protocol has no scenarios.');
});

test('the Testing view lists .il2 files outside dependency and build folders', () => {
  assert.ok(isListedProtocol('protocols/hd-il2-monotherapy.il2'));
  assert.ok(isListedProtocol('post-til-il2.il2'));
  assert.ok(!isListedProtocol('vscode-extension/node_modules/x/a.il2'));
  assert.ok(!isListedProtocol('tests/X/bin/Debug/a.il2'));
  assert.ok(!isListedProtocol('protocols/notes.md'));
});

test('an inherited scenario that changed fails with expected and actual; a stricter one passes with a note', () => {
  const changed = inheritedReport({ outcome: 'changed', expected: 'hold because creatinine-high', actual: 'give' });
  assert.deepEqual(changed.diff, { expected: 'expect hold because creatinine-high', actual: 'decided give' });
  assert.match(changed.message, /override the scenario/);
  const stricter = inheritedReport({ outcome: 'stricter', expected: 'hold because a', actual: 'hold because a, b' });
  assert.equal(stricter.diff, undefined);
  assert.equal(stricter.note, 'stricter here: expected hold because a, decided hold because a, b');
  assert.deepEqual(inheritedReport({ outcome: 'unchanged', expected: 'give', actual: 'give' }), { message: '' });
});

test("an inherited group's id is one VS Code accepts and can never be a scenario's", () => {
  const id = inheritedGroupId('hd-il2-monotherapy');
  // VS Code's createTestItem throws on an id with a NUL (it joins id paths with one): the whole file was left out.
  assert.ok(!id.includes('\u0000'), 'no NUL in a test id');
  assert.notEqual(inheritedGroupId('a'), inheritedGroupId('b'));
  // A scenario's id is its title, and no title can hold the group id's carriage return: it ends the string.
  const [scenario] = discoverScenarios(`scenario "${id}" { expect give }`);
  assert.notEqual(scenario.title, id);
  assert.ok(id.includes('\r'));
});

test('a deleted or renamed folder takes every protocol under it out of the Testing view, and no other', () => {
  const ids = [
    'file:///w/protocols/hd-il2-monotherapy.il2',
    'file:///w/protocols/post-til-il2.il2',
    'file:///w/protocols-old/x.il2',
    'file:///w/other/y.il2',
  ];
  assert.deepEqual(listedUnder(ids, 'file:///w/protocols'), ['file:///w/protocols/hd-il2-monotherapy.il2', 'file:///w/protocols/post-til-il2.il2']);
  assert.deepEqual(listedUnder(ids, 'file:///w/protocols/'), ['file:///w/protocols/hd-il2-monotherapy.il2', 'file:///w/protocols/post-til-il2.il2']);
  assert.deepEqual(listedUnder(ids, 'file:///w/other/y.il2'), ['file:///w/other/y.il2'], 'a deleted file is itself');
  assert.deepEqual(listedUnder(ids, 'file:///w/protocols/hd-il2'), [], 'a prefix of a name is not its folder');
  assert.deepEqual(listedUnder(ids, 'file:///w'), ids, 'the whole workspace folder');
});

test('created paths in dependency and build folders are never looked into', () => {
  assert.ok(inExcludedFolder('src/X/bin'));
  assert.ok(inExcludedFolder('vscode-extension/node_modules/pkg'));
  assert.ok(!inExcludedFolder('protocols/archive'));
  assert.ok(!inExcludedFolder('binder/p.il2'), 'a folder named like bin is not bin');
});
