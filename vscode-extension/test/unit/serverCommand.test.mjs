import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveServerCommand, describeServerCommand, debugAdapterCommand } from '../../out/lib/serverCommand.mjs';

const ext = '/opt/ext/iltwo.il2-protocols-0.1.0';

test('an empty il2.server.path runs the bundled server with dotnet', () => {
  for (const configured of [undefined, '', '   ']) {
    const c = resolveServerCommand({ extensionPath: ext, configuredPath: configured });
    assert.equal(c.command, 'dotnet');
    assert.deepEqual(c.args, [join(ext, 'server', 'il2.dll'), 'lsp']);
    assert.equal(c.requiredFile, join(ext, 'server', 'il2.dll'));
    assert.equal(c.source, 'bundled');
  }
});

test('a configured .dll runs with dotnet', () => {
  const c = resolveServerCommand({ extensionPath: ext, configuredPath: '/build/il2/IL2.DLL' });
  assert.equal(c.command, 'dotnet');
  assert.deepEqual(c.args, ['/build/il2/IL2.DLL', 'lsp']);
  assert.equal(c.source, 'setting');
});

test('a configured executable runs directly with lsp', () => {
  const c = resolveServerCommand({ extensionPath: ext, configuredPath: '/usr/local/bin/il2' });
  assert.equal(c.command, '/usr/local/bin/il2');
  assert.deepEqual(c.args, ['lsp']);
  assert.equal(c.requiredFile, '/usr/local/bin/il2');
});

test('a bare command name is looked up on PATH, not checked as a file', () => {
  const c = resolveServerCommand({ extensionPath: ext, configuredPath: 'il2', workspaceFolder: '/ws' });
  assert.equal(c.command, 'il2');
  assert.equal(c.requiredFile, undefined);
});

test('relative paths resolve against the workspace folder, ~ against home', () => {
  const rel = resolveServerCommand({ extensionPath: ext, configuredPath: 'artifacts/il2.dll', workspaceFolder: '/ws' });
  assert.deepEqual(rel.args, ['/ws/artifacts/il2.dll', 'lsp']);
  const home = resolveServerCommand({ extensionPath: ext, configuredPath: '~/bin/il2', homeDir: '/home/me' });
  assert.equal(home.command, '/home/me/bin/il2');
});

test('the command line is shown with quotes where needed', () => {
  const c = resolveServerCommand({ extensionPath: '/my ext', configuredPath: '' });
  assert.equal(describeServerCommand(c), 'dotnet "/my ext/server/il2.dll" lsp');
});

test('the debug adapter runs the same il2 as the language server, with dap', () => {
  const bundled = resolveServerCommand({ extensionPath: ext, configuredPath: '' });
  assert.deepEqual(debugAdapterCommand(bundled), { ...bundled, args: [join(ext, 'server', 'il2.dll'), 'dap'] });
  const executable = resolveServerCommand({ extensionPath: ext, configuredPath: '/usr/local/bin/il2' });
  assert.deepEqual(debugAdapterCommand(executable).args, ['dap']);
  assert.equal(debugAdapterCommand(executable).command, '/usr/local/bin/il2');
});
