#!/usr/bin/env bash
# Runs every test: grammar drift, the .NET test projects, the VS Code extension's checks and tests
# (packaged .vsix included), and the language server driven by VS Code's own client library.
# Installs what it needs (npm packages) itself. Ends with one line: 'N passed, N failed'.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$(mktemp -d)"
passed=0
failed=0
status=0

step() { echo; echo "== $*"; }
sum() { grep -Eo "$1" "$2" | grep -Eo '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }'; }
count_dotnet() { # sums the 'Passed!/Failed!  - Failed: N, Passed: N' summary lines of dotnet test
  passed=$((passed + $(sum 'Passed: +[0-9]+' "$1"))); failed=$((failed + $(sum 'Failed: +[0-9]+' "$1")))
}
count_node() { # sums node --test's '# pass N' / '# fail N'
  passed=$((passed + $(sum '^# pass [0-9]+' "$1"))); failed=$((failed + $(sum '^# fail [0-9]+' "$1")))
}

step "tools: headless Chromium for the rendered-document tests"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || status=1
  else
    echo "chromium is missing and this user cannot install it: sudo apt-get install chromium" >&2
    status=1
  fi
fi

step "generated parser is in step with grammar/Il2.g4"
if scripts/check-generated.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "dotnet build and test"
dotnet build IlTwo.Dsl.sln -c Debug --nologo -v quiet -clp:ErrorsOnly || status=1
dotnet test IlTwo.Dsl.sln --no-build --nologo 2>&1 | tee "$log/dotnet.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count_dotnet "$log/dotnet.txt"

step "shipped protocols: il2 test protocols/"
dotnet src/IlTwo.Cli/bin/Debug/net10.0/il2.dll test protocols/ | tee "$log/il2-test.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "VS Code extension: install, type-check, lint, grammar and unit tests"
(cd vscode-extension && npm ci --no-audit --no-fund --loglevel=error) || status=1
(cd vscode-extension && npm run --silent typecheck && npm run --silent lint && npm run --silent test:grammar) || status=1
(cd vscode-extension && npm run --silent bundle-server && npm run --silent package) || status=1
vsix="$(ls -t "$root"/vscode-extension/*.vsix 2>/dev/null | head -n 1)"
(cd vscode-extension && IL2_VSIX="$vsix" npm run --silent test:unit) 2>&1 | tee "$log/ext.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count_node "$log/ext.txt"

if [ -d tests/lsp-e2e ]; then
  step "language server end to end with vscode-jsonrpc"
  (cd tests/lsp-e2e && npm ci --no-audit --no-fund --loglevel=error) || status=1
  (cd tests/lsp-e2e && IL2_SERVER_DLL="$root/src/IlTwo.Cli/bin/Debug/net10.0/il2.dll" node --test) 2>&1 | tee "$log/lsp.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count_node "$log/lsp.txt"
fi

if [ -d tests/vscode-e2e ]; then
  step "the extension in a real VS Code (code-server) with headless Chromium"
  bash tests/vscode-e2e/run.sh "$vsix" 2>&1 | tee "$log/vscode.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count_node "$log/vscode.txt"
fi

echo
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit "$status"
