import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentStatus } from '../../out/lib/serverStatus.mjs';

test('each server state has its own text, and every tooltip offers a restart', () => {
  const texts = new Set();
  for (const status of ['starting', 'running', 'stopped']) {
    const p = presentStatus(status, 'dotnet il2.dll lsp');
    texts.add(p.text);
    assert.match(p.tooltip, new RegExp(`^IL-2 language server: ${status}\\ndotnet il2.dll lsp\\nClick to restart it\\.$`));
  }
  assert.equal(texts.size, 3);
  assert.equal(presentStatus('stopped').background, 'statusBarItem.errorBackground');
  assert.equal(presentStatus('running').background, undefined);
});
