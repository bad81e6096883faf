#!/usr/bin/env bash
# usage: scripts/refresh.sh [--screenshots]
# Rewrites every file the tests compare against, after a deliberate change, so that `git diff` shows what changed:
#   - the generated parser (src/IlTwo.Dsl/Syntax/Generated, from grammar/Il2.g4);
#   - the NuGet lock files (packages.lock.json; CI restores in locked mode);
#   - the .NET baselines and golden files (IL2_UPDATE_BASELINES=1: compiler baselines, formatter goldens,
#     diagnostic pages in docs/diagnostics, and any other test that reads TestPaths.UpdateBaselines);
#   - the VS Code grammar snapshots (vscode-extension/test/grammar/snapshots);
#   - with --screenshots, the README's screenshots (docs/images, from the end-to-end test in code-server; slow).
# Review the diff before committing: a refreshed baseline is a claim that the new output is right.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
screenshots=0
for arg in "$@"; do
  case "$arg" in
    --screenshots) screenshots=1 ;;
    *) echo "refresh: unknown option '$arg' (usage: scripts/refresh.sh [--screenshots])" >&2; exit 2 ;;
  esac
done

echo "== parser from grammar/Il2.g4"
bash scripts/generate-parser.sh

echo "== NuGet lock files (packages.lock.json, after a package or version change)"
dotnet restore IlTwo.Dsl.sln --force-evaluate -v quiet

echo "== .NET baselines and golden files"
dotnet build IlTwo.Dsl.sln -nr:false -v quiet -clp:ErrorsOnly
# Every test project is run: a project that keeps no baseline ignores the variable. A test that still fails after
# its baseline was rewritten is a real failure, so this step fails too.
for project in tests/*/*.csproj; do
  case "$project" in *IlTwo.Fuzz*) continue ;; esac
  IL2_UPDATE_BASELINES=1 dotnet test "$project" --no-build -v quiet --nologo
done

echo "== VS Code grammar snapshots"
(cd vscode-extension && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent test:grammar:update)

if [ "$screenshots" -eq 1 ]; then
  echo "== README screenshots (code-server end to end)"
  (cd vscode-extension && npm run --silent bundle-server && npm run --silent package)
  vsix="$(ls -t vscode-extension/*.vsix | head -n 1)"
  IL2_UPDATE_SCREENSHOTS=1 bash tests/vscode-e2e/run.sh "$vsix"
fi

git status --short
