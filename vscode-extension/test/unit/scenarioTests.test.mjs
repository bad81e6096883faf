// The Testing view's controller (src/scenarios.ts) against a stand-in for the VS Code API that, like VS Code, refuses
// a test id with a NUL: the shipped protocols of a workspace listed before any run (the extending one with its base's
// scenarios), "Run Protocol Tests" on the extending protocol with its own and inherited results, and a deleted folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const protocols = join(root, '..', 'protocols');
const WORKSPACE = '/w';

class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
  }
  static parse(text) {
    const i = text.indexOf(':');
    return new Uri(text.slice(0, i), text.slice(i + 1).replace(/^\/\//, ''));
  }
  static file(path) {
    return new Uri('file', path);
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

class Range {
  constructor(sl, sc, el, ec) {
    this.start = { line: sl, character: sc };
    this.end = { line: el, character: ec };
  }
}

class Collection {
  constructor(owner) {
    this.owner = owner;
    this.map = new Map();
  }
  get size() {
    return this.map.size;
  }
  add(item) {
    item.parent = this.owner;
    this.map.set(item.id, item);
  }
  get(id) {
    return this.map.get(id);
  }
  delete(id) {
    this.map.delete(id);
  }
  replace(items) {
    this.map.clear();
    for (const item of items) this.add(item);
  }
  forEach(f) {
    for (const item of [...this.map.values()]) f(item, this);
  }
}

function fakeVscode() {
  const watchers = {};
  const runs = [];
  const disposable = { dispose() {} };
  const event = () => () => disposable;
  const text = (uri) => readFileSync(join(protocols, uri.path.slice(`${WORKSPACE}/protocols/`.length)), 'utf8');
  const files = ['hd-il2-monotherapy.il2', 'post-til-il2.il2'].map((f) => Uri.file(`${WORKSPACE}/protocols/${f}`));
  const controller = {
    items: new Collection(undefined),
    createTestItem(id, label, uri) {
      // VS Code's TestItemImpl: "Test IDs may not include the \0 symbol".
      if (id.includes('\0')) throw new Error('Test IDs may not include the "\\u0000" symbol');
      const item = { id, label, uri, range: undefined, description: undefined, parent: undefined };
      item.children = new Collection(item);
      return item;
    },
    createRunProfile() {
      return disposable;
    },
    createTestRun(request) {
      const run = { request, started: [], passed: [], failed: [], errored: [], skipped: [], output: [], ended: false };
      runs.push(run);
      return {
        started: (i) => run.started.push(i),
        passed: (i) => run.passed.push(i),
        failed: (i, m) => run.failed.push([i, m]),
        errored: (i, m) => run.errored.push([i, m]),
        skipped: (i) => run.skipped.push(i),
        appendOutput: (o) => run.output.push(o),
        end: () => (run.ended = true),
      };
    },
    dispose() {},
  };
  class TestMessage {
    constructor(message) {
      this.message = message;
    }
    static diff(message, expected, actual) {
      return Object.assign(new TestMessage(message), { expectedOutput: expected, actualOutput: actual });
    }
  }
  const vscode = {
    Uri,
    Range,
    Location: class {
      constructor(uri, range) {
        this.uri = uri;
        this.range = range;
      }
    },
    TestMessage,
    TestRunRequest: class {
      constructor(include, exclude) {
        this.include = include;
        this.exclude = exclude;
      }
    },
    CancellationTokenSource: class {
      token = { isCancellationRequested: false };
      dispose() {}
    },
    TestRunProfileKind: { Run: 1 },
    FileType: { File: 1, Directory: 2 },
    RelativePattern: class {
      constructor(base, pattern) {
        this.base = base;
        this.pattern = pattern;
      }
    },
    tests: { createTestController: () => controller },
    workspace: {
      textDocuments: [],
      createFileSystemWatcher(glob) {
        const w = {};
        watchers[glob] = w;
        for (const e of ['Create', 'Change', 'Delete']) {
          w[`onDid${e}`] = (listener) => {
            w[e] = listener;
            return disposable;
          };
        }
        w.dispose = () => undefined;
        return w;
      },
      onDidOpenTextDocument: event(),
      onDidChangeTextDocument: event(),
      onDidCloseTextDocument: event(),
      onDidRenameFiles: event(),
      onDidDeleteFiles: event(),
      findFiles: () => Promise.resolve(files),
      asRelativePath: (uri) => (typeof uri === 'string' ? uri : uri.path).replace(`${WORKSPACE}/`, ''),
      fs: {
        readFile: (uri) => Promise.resolve(new Uint8Array(Buffer.from(text(uri), 'utf8'))),
        stat: () => Promise.resolve({ type: 2 }),
      },
      openTextDocument: (uri) =>
        Promise.resolve({ uri, languageId: 'il2', isUntitled: false, isClosed: false, getText: () => text(uri) }),
    },
  };
  return { vscode, controller, watchers, runs, files };
}

async function loadScenarios(vscode) {
  const dir = mkdtempSync(join(tmpdir(), 'il2-scenarios-test-'));
  try {
    const outfile = join(dir, 'scenarios.cjs');
    await build({
      entryPoints: [join(root, 'src', 'scenarios.ts')],
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
      if (request === 'vscode-languageclient/node') return { RequestType: class { constructor(method) { this.method = method; } } };
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

const children = (item) => [...item.children.map.values()];
const at = (line) => ({ start: { line, character: 9 }, end: { line, character: 30 } });

async function workspace(answer) {
  const fake = fakeVscode();
  const { ScenarioTests } = await loadScenarios(fake.vscode);
  const client = {
    code2ProtocolConverter: { asUri: (uri) => uri.toString() },
    protocol2CodeConverter: {
      asUri: (text) => Uri.parse(text),
      asRange: (r) => new Range(r.start.line, r.start.character, r.end.line, r.end.character),
    },
    sendRequest: () => Promise.resolve(answer),
  };
  const tests = new ScenarioTests({ runningClient: () => Promise.resolve(client) });
  await tests.discoverWorkspace();
  return { ...fake, tests };
}

test('before any run: both shipped protocols, the extending one with its base\'s scenarios under "inherited from ..."', async () => {
  const { controller, files } = await workspace({ results: [] });
  const [mono, post] = files.map((f) => controller.items.get(f.toString()));
  assert.ok(mono, 'the base protocol is listed (VS Code refused the NUL group id, and it was dropped)');
  assert.ok(post);
  const group = children(post).find((c) => c.label === 'inherited from hd-il2-monotherapy');
  assert.ok(group, `post-TIL shows the inherited group; its children: ${children(post).map((c) => c.label).slice(-3)}`);
  const ownOfMono = children(mono).length;
  assert.ok(children(group).length > 0 && children(group).length < ownOfMono, "monotherapy's scenarios, minus post-TIL's overrides");
  const sbp = children(group).find((c) => c.label === 'SBP 84 mm[Hg] holds the dose');
  assert.equal(sbp.uri.toString(), mono.uri.toString(), "at its place in the base's file");
});

test('"Run Protocol Tests" on the extending protocol: its own and the inherited results, a summary, failures with expected and actual at their line', async () => {
  const base = 'file:///w/protocols/hd-il2-monotherapy.il2';
  const answer = {
    results: [
      { title: 'a stable patient after TIL gets the next dose', passed: true, message: '', range: at(200) },
      { title: 'SBP 11 kPa (82.5 mm[Hg]) holds', passed: false, message: 'expected hold, got give', range: at(210), expected: 'hold because sbp-low', actual: 'give' },
    ],
    inherited: [
      { title: 'SBP 84 mm[Hg] holds the dose', protocol: 'hd-il2-monotherapy', uri: base, range: at(300), outcome: 'unchanged', passed: true, expected: 'hold', actual: 'hold' },
      { title: 'a stable patient gets the next dose', protocol: 'hd-il2-monotherapy', uri: base, range: at(310), outcome: 'changed', passed: false, expected: 'give', actual: 'hold because x' },
    ],
  };
  const { tests, runs, files } = await workspace(answer);
  const summary = await tests.runForDocument(await Promise.resolve({ uri: files[1], languageId: 'il2', isUntitled: false, getText: () => readFileSync(join(protocols, 'post-til-il2.il2'), 'utf8') }));
  assert.deepEqual(summary, { passed: 2, failed: 2, errored: 0 }, 'the notification has something to say');
  const [run] = runs;
  assert.ok(run.ended);
  assert.deepEqual(run.passed.map((i) => i.label), ['a stable patient after TIL gets the next dose', 'SBP 84 mm[Hg] holds the dose']);
  const [[own, ownMessage], [inherited, inheritedMessage]] = run.failed;
  assert.equal(own.label, 'SBP 11 kPa (82.5 mm[Hg]) holds');
  assert.deepEqual([ownMessage.expectedOutput, ownMessage.actualOutput], ['expect hold because sbp-low', 'decided give']);
  assert.equal(ownMessage.location.range.start.line, 210, "at the scenario's line");
  assert.equal(inherited.parent.label, 'inherited from hd-il2-monotherapy');
  assert.deepEqual([inheritedMessage.expectedOutput, inheritedMessage.actualOutput], ['expect give', 'decided hold because x']);
  assert.equal(inheritedMessage.location.uri.toString(), base, "in the base's file");
});

test('a deleted folder takes its protocols out of the view', async () => {
  const { controller, watchers } = await workspace({ results: [] });
  assert.equal(controller.items.size, 2);
  watchers['**/*'].Delete(Uri.file(`${WORKSPACE}/protocols`));
  assert.equal(controller.items.size, 0);
});
