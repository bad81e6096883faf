import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderGeneratedCSharp, renderGeneratedCSharpFailure } from '../../out/lib/generatedCSharp.mjs';

test('code without diagnostics is shown as is', () => {
  assert.equal(renderGeneratedCSharp('p.il2', { code: 'class P {}\n', diagnostics: [] }), 'class P {}\n');
});

test('no code: the diagnostics say why, as C# comments', () => {
  const text = renderGeneratedCSharp('p.il2', { code: null, diagnostics: ['p.il2(3,7): error IL0101: unknown observation sbpp'] });
  assert.equal(
    text,
    '// No C# was generated for p.il2.\n// Fix these first:\n// p.il2(3,7): error IL0101: unknown observation sbpp\n',
  );
  assert.match(renderGeneratedCSharp('p.il2', { code: null, diagnostics: [] }), /gave no reason/);
});

test('code with warnings: the warnings come first as comments', () => {
  const text = renderGeneratedCSharp('p.il2', { code: 'class P {}', diagnostics: ['a\nb'] });
  assert.equal(text, '// Generated from p.il2, with these diagnostics:\n// a\n// b\n\nclass P {}');
});

test('a failed request is explained', () => {
  assert.match(renderGeneratedCSharpFailure('p.il2', 'not running'), /^\/\/ No C# could be requested for p\.il2: not running/);
});

test('a result without a code field (the server leaves nulls out) reads as no code', () => {
  const text = renderGeneratedCSharp('p.il2', { diagnostics: ['p.il2(1,1): error IL0101: missing protocol'] });
  assert.match(text, /^\/\/ No C# was generated for p\.il2\./);
  assert.match(text, /IL0101/);
});
