// Snapshot test of the TextMate grammar over the shipped protocols (../protocols/*.il2).
//
// Same format as vscode-tmgrammar-snap, but the snapshots live in test/grammar/snapshots/ (the
// protocols belong to the language, not to the extension, so nothing is written beside them).
// Fails when the highlighting of a protocol changes, when a protocol has no snapshot and when a
// snapshot's protocol is gone. After a deliberate change: npm run test:grammar:update, then review
// the diff of the .snap files.
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index.js');
const { getVSCodeTokens, renderSnap } = require('vscode-tmgrammar-test/dist/snapshot/index.js');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protocolsDir = join(root, '..', 'protocols');
const snapshotsDir = join(root, 'test', 'grammar', 'snapshots');
const update = process.argv.includes('--update');

const registry = createRegistry([
  { language: 'il2', scopeName: 'source.il2', path: join(root, 'syntaxes', 'il2.tmLanguage.json') },
]);

const protocols = existsSync(protocolsDir)
  ? readdirSync(protocolsDir).filter((f) => f.endsWith('.il2')).sort()
  : [];
if (protocols.length === 0) {
  console.error(`ERROR no protocols found in ${protocolsDir}`);
  process.exit(1);
}
mkdirSync(snapshotsDir, { recursive: true });

let failed = 0;
let passed = 0;
for (const file of protocols) {
  const source = readFileSync(join(protocolsDir, file), 'utf8');
  const actual = renderSnap(await getVSCodeTokens(registry, 'source.il2', source));
  const snapPath = join(snapshotsDir, `${file}.snap`);
  const shown = relative(root, snapPath);
  if (update) {
    if (!existsSync(snapPath) || readFileSync(snapPath, 'utf8') !== actual) {
      writeFileSync(snapPath, actual, 'utf8');
      console.log(`updated ${shown}`);
    }
    continue;
  }
  if (!existsSync(snapPath)) {
    console.error(`FAIL ${file}: no snapshot ${shown} (run npm run test:grammar:update and review it)`);
    failed++;
    continue;
  }
  const expected = readFileSync(snapPath, 'utf8');
  if (expected === actual) {
    console.log(`ok   ${file}`);
    passed++;
    continue;
  }
  failed++;
  console.error(`FAIL ${file}: highlighting differs from ${shown}`);
  const e = expected.split('\n');
  const a = actual.split('\n');
  let shownLines = 0;
  for (let i = 0; i < Math.max(e.length, a.length) && shownLines < 20; i++) {
    if (e[i] !== a[i]) {
      console.error(`  line ${i + 1} of the snapshot:\n    - ${e[i] ?? '<none>'}\n    + ${a[i] ?? '<none>'}`);
      shownLines++;
    }
  }
}

for (const snap of readdirSync(snapshotsDir).filter((f) => f.endsWith('.il2.snap'))) {
  if (!protocols.includes(basename(snap, '.snap'))) {
    if (update) {
      unlinkSync(join(snapshotsDir, snap));
      console.log(`removed ${snap} (its protocol is gone)`);
    } else {
      console.error(`FAIL ${snap}: its protocol ../protocols/${basename(snap, '.snap')} is gone`);
      failed++;
    }
  }
}

if (!update) {
  console.log(`grammar snapshots: ${passed} passed, ${failed} failed`);
}
process.exit(failed === 0 ? 0 : 1);
