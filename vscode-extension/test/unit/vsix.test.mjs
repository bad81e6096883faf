// Checks what the packaged extension holds. Runs when IL2_VSIX points to a .vsix (CI packages the
// extension with the published server first, see scripts/bundle-server.sh); skips otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import AdmZip from 'adm-zip';

const vsix = process.env.IL2_VSIX;
const skip =
  vsix === undefined || vsix === ''
    ? 'IL2_VSIX is not set: package the extension (npm run bundle-server && npm run package) and set IL2_VSIX to the .vsix to run this test'
    : false;

test('the .vsix holds the manifest, grammar, configuration, snippets, client and bundled server', { skip }, () => {
  assert.ok(existsSync(vsix), `IL2_VSIX=${vsix} does not exist`);
  const entries = new AdmZip(vsix).getEntries().map((e) => e.entryName);
  const required = [
    'extension/package.json',
    'extension/syntaxes/il2.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/snippets/il2.json',
    'extension/out/extension.js',
    'extension/server/il2.dll',
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
