#!/usr/bin/env bash
# Publishes the IL-2 command-line tool (its `lsp` command is the language server) into server/, where
# the extension looks for server/il2.dll. Framework-dependent: users need the .NET runtime (`dotnet`).
# Run from anywhere; `npm run package` afterwards puts server/ into the .vsix.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
rm -rf server
# Il2ReadyToRun=false: IL-only assemblies, as before the Release build precompiled il2 (bench/IlTwo.Cli.Startup/RESULTS.md);
# the language server's start-up with ReadyToRun is not measured yet, and precompiling would add to the .vsix and CI.
dotnet publish ../src/IlTwo.Cli -c Release -o server --no-self-contained -p:UseAppHost=false -p:Il2ReadyToRun=false
# Debug symbols and the XML docs are not needed at run time.
find server \( -name '*.pdb' -o -name '*.xml' \) -delete
if [[ ! -f server/il2.dll ]]; then
  echo "bundle-server: server/il2.dll was not produced (is the CLI's assembly name il2?)" >&2
  exit 1
fi
echo "bundle-server: $(du -sh server | cut -f1) in $here/server"
