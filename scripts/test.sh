#!/usr/bin/env bash
# Runs every test: grammar drift, il2 installed as a .NET tool, the .NET test projects, the shipped protocols'
# scenarios, the VS Code extension's checks and tests (packaged .vsix included), the language server driven by VS
# Code's own client library, and the extension in a real VS Code (code-server with headless Chromium).
# Installs what it needs itself: Debian's chromium and z3 (when missing and running as root), the npm packages of the
# extension and of the end-to-end tests, and code-server with Node 24 and playwright-core (once, in a cache folder).
# Each step prints one line with its time; its output goes to a log file, printed in full when the step fails.
# Ends with one line: 'N passed, N failed'.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$(mktemp -d "${TMPDIR:-/tmp}/il2-test.XXXXXX")"
passed=0
failed=0
status=0
started=$SECONDS

sum() { grep -Eo "$1" "$2" | grep -Eo '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }'; }
count_dotnet() { # sums the 'Passed!/Failed!  - Failed: N, Passed: N' summary lines of dotnet test
  passed=$((passed + $(sum 'Passed: +[0-9]+' "$1"))); failed=$((failed + $(sum 'Failed: +[0-9]+' "$1")))
}
count_node() { # sums node --test's '# pass N' / '# fail N'
  passed=$((passed + $(sum '^# pass [0-9]+' "$1"))); failed=$((failed + $(sum '^# fail [0-9]+' "$1")))
}
count_il2_test() { # the closing 'N passed, N failed' line of il2 test
  local line
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)"
  passed=$((passed + $(echo "$line" | awk '{ print $1 + 0 }'))); failed=$((failed + $(echo "$line" | awk '{ print $3 + 0 }')))
}

# step NAME LOG COMMAND...: runs COMMAND with its output in LOG; one line with the time; the log on failure.
step() {
  local name="$1" file="$log/$2" start=$SECONDS rc
  shift 2
  printf '%-66s' "== $name"
  "$@" >"$file" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    printf 'ok    %4d s\n' $((SECONDS - start))
  else
    printf 'FAIL  %4d s  (exit %d)\n' $((SECONDS - start)) "$rc"
    echo "---- $file"
    cat "$file"
    echo "----"
    status=1
  fi
  return "$rc"
}

install_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing and this user cannot install it: sudo apt-get install chromium" >&2
    return 1
  fi
  apt-get update -qq && apt-get install -y -qq chromium
}

echo "logs: $log"
step "tools: headless Chromium for the rendered-document tests" chromium.txt install_chromium
step "tools: z3 for the verifier" z3.txt bash scripts/install-z3.sh

if step "generated parser is in step with grammar/Il2.g4" grammar.txt scripts/check-generated.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

step "dotnet restore --locked-mode (packages.lock.json)" restore.txt \
  dotnet restore IlTwo.Dsl.sln --locked-mode --nologo -v quiet
step "dotnet build" build.txt dotnet build IlTwo.Dsl.sln -c Debug --no-restore --nologo -v quiet -clp:ErrorsOnly
step "il2 as a .NET tool: pack, tool install, il2 --version, il2 check" tool.txt bash scripts/tool-install-test.sh Debug
count_il2_test "$log/tool.txt"
step "dotnet test (every test project of IlTwo.Dsl.sln)" dotnet.txt dotnet test IlTwo.Dsl.sln --no-build --nologo
count_dotnet "$log/dotnet.txt"

step "shipped protocols: il2 test protocols/" il2-test.txt dotnet src/IlTwo.Cli/bin/Debug/net10.0/il2.dll test protocols/
count_il2_test "$log/il2-test.txt"
sed 's/^/   /' "$log/il2-test.txt"

ext() { (cd vscode-extension && "$@"); }
step "VS Code extension: npm ci" ext-npm.txt ext npm ci --no-audit --no-fund --loglevel=error
step "VS Code extension: type-check, lint, grammar tests" ext-check.txt \
  ext bash -c 'npm run --silent typecheck && npm run --silent lint && npm run --silent test:grammar'
step "VS Code extension: bundle the server and package the .vsix" ext-package.txt \
  ext bash -c 'npm run --silent bundle-server && npm run --silent package'
vsix="$(ls -t "$root"/vscode-extension/*.vsix 2>/dev/null | head -n 1)"
step "VS Code extension: unit tests (with the packaged .vsix)" ext.txt ext env IL2_VSIX="$vsix" npm run --silent test:unit
count_node "$log/ext.txt"

if [ -d tests/lsp-e2e ]; then
  lsp() { (cd tests/lsp-e2e && "$@"); }
  step "language server end to end: npm ci" lsp-npm.txt lsp npm ci --no-audit --no-fund --loglevel=error
  step "language server end to end with vscode-jsonrpc" lsp.txt \
    lsp env IL2_SERVER_DLL="$root/src/IlTwo.Cli/bin/Debug/net10.0/il2.dll" node --test
  count_node "$log/lsp.txt"
fi

if [ -d tests/vscode-e2e ]; then
  step "the extension in a real VS Code (code-server, headless Chromium)" vscode.txt bash tests/vscode-e2e/run.sh "$vsix"
  count_node "$log/vscode.txt"
fi

echo
echo "total $((SECONDS - started)) s; logs in $log"
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit "$status"
