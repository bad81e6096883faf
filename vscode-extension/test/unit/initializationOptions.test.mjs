import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildInitializationOptions, bundledDocsBaseUri } from '../../out/lib/initializationOptions.mjs';

const ext = join('/opt', 'ext with space', 'iltwo.il2-protocols-0.1.0');
const bundled = `${pathToFileURL(join(ext, 'docs', 'diagnostics')).href}/`;

test('an empty il2.diagnostics.docsBaseUri links the pages bundled in the extension folder', () => {
  for (const configured of [undefined, '', '   ']) {
    const r = buildInitializationOptions({ extensionPath: ext, configuredDocsBaseUri: configured });
    assert.deepEqual(r.options, { diagnosticDocsBaseUri: bundled });
    assert.equal(r.docsSource, 'bundled');
    assert.equal(r.problem, undefined);
  }
});

test('the bundled folder URI is a file URI of <extension>/docs/diagnostics/ with a trailing slash', () => {
  const uri = bundledDocsBaseUri(ext);
  assert.match(uri, /^file:\/\/.*\/docs\/diagnostics\/$/);
  assert.ok(uri.includes('ext%20with%20space'), `the space is escaped in ${uri}`);
  // A page resolves against it to the file the .vsix ships.
  assert.equal(fileURLToPath(new URL('IL0202.md', uri)), join(ext, 'docs', 'diagnostics', 'IL0202.md'));
});

test('a web URL in the setting overrides the bundled pages, with a trailing slash added', () => {
  for (const [configured, expected] of [
    ['https://example.org/il2/docs/diagnostics', 'https://example.org/il2/docs/diagnostics/'],
    ['  https://example.org/il2/docs/diagnostics/  ', 'https://example.org/il2/docs/diagnostics/'],
    ['http://intranet.local/il2/', 'http://intranet.local/il2/'],
    ['file:///srv/il2/docs/diagnostics', 'file:///srv/il2/docs/diagnostics/'],
  ]) {
    const r = buildInitializationOptions({ extensionPath: ext, configuredDocsBaseUri: configured });
    assert.deepEqual(r.options, { diagnosticDocsBaseUri: expected }, configured);
    assert.equal(r.docsSource, 'setting');
    assert.equal(r.problem, undefined);
  }
});

test('a setting that is not an absolute http, https or file URI falls back to the bundled pages and says why', () => {
  for (const [configured, why] of [
    ['docs/diagnostics', /not an absolute URI/],
    ['ftp://example.org/il2/', /scheme ftp is not http, https or file/],
    ['javascript:alert(1)', /scheme javascript is not/],
  ]) {
    const r = buildInitializationOptions({ extensionPath: ext, configuredDocsBaseUri: configured });
    assert.deepEqual(r.options, { diagnosticDocsBaseUri: bundled }, configured);
    assert.equal(r.docsSource, 'bundled');
    assert.match(r.problem ?? '', why);
    assert.ok(r.problem?.includes(`'${configured}'`), r.problem);
  }
});
