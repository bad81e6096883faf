#!/usr/bin/env bash
# Installs il2 the way a user does, as a .NET tool, and runs it: packs src/IlTwo.Cli (from the build of CONFIG,
# default Debug, without building again), installs the package into a temporary tool path from that folder only,
# and checks 'il2 --version' (the version the build stamped, with the git commit), that the tool's assemblies are
# the build's, 'il2 check protocols/' and a mistyped command. Prints 'N passed, N failed'; exits non-zero on a
# failure. About 20 s on two cores.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
config="${1:-Debug}"
cd "$root"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/il2-tool.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # check NAME CONDITION...: one line per check
  if "${@:2}"; then passed=$((passed + 1)); echo "ok    $1"; else failed=$((failed + 1)); echo "FAIL  $1"; fi
}

dll="src/IlTwo.Cli/bin/$config/net10.0/il2.dll"
[ -f "$dll" ] || { echo "no $dll: build first (dotnet build src/IlTwo.Cli -c $config)" >&2; exit 2; }
dotnet pack src/IlTwo.Cli -c "$config" --no-build --nologo -v quiet -o "$tmp/pack" || { echo "dotnet pack failed" >&2; exit 1; }
package="$(ls "$tmp"/pack/IlTwo.Cli.*.nupkg | head -n 1)"
version="$(basename "$package" .nupkg)"; version="${version#IlTwo.Cli.}"
# Only the packed folder as a source, and a package cache of its own: a stale IlTwo.Cli of the same version in
# ~/.nuget/packages is never installed instead of this one.
cat >"$tmp/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="packed" value="$tmp/pack" /></packageSources></configuration>
XML
NUGET_PACKAGES="$tmp/packages" dotnet tool install IlTwo.Cli --version "$version" --tool-path "$tmp/tools" --configfile "$tmp/nuget.config" \
  >"$tmp/install.txt" 2>&1
rc=$?
cat "$tmp/install.txt"
check "dotnet tool install IlTwo.Cli $version --tool-path (exit $rc)" test "$rc" -eq 0
il2="$tmp/tools/il2"
check "the tool path has the il2 command" test -x "$il2"

expected="il2 $(dotnet "$dll" --version | sed 's/^il2 //')"
actual="$("$il2" --version)"
echo "      il2 --version: $actual"
check "il2 --version from the tool is the build's: $expected" test "$actual" = "$expected"
if head="$(git rev-parse HEAD 2>/dev/null)"; then
  check "il2 --version names the commit $head" grep -q "+$head\$" <<<"$actual"
fi

# The tool runs the assemblies the build made, byte for byte: after dotnet build -c Release on linux-x64 those are the
# precompiled (ReadyToRun) ones, not the IL-only copies the pack would otherwise take from obj/ and the package cache.
store="$(find "$tmp/tools/.store" -path '*/tools/net10.0/any' -type d | head -n 1)"
for assembly in il2.dll IlTwo.Dsl.dll Microsoft.CodeAnalysis.CSharp.dll; do
  check "the tool's $assembly is the build's" cmp -s "$store/$assembly" "$(dirname "$dll")/$assembly"
done

"$il2" check protocols/ >"$tmp/check.txt" 2>&1
rc=$?
sed 's/^/      /' "$tmp/check.txt"
check "il2 check protocols/ exits 0" test "$rc" -eq 0
check "il2 check protocols/ ends with its summary: no errors" grep -Eq '^checked [1-9][0-9]* file\(s\): 0 error\(s\), [0-9]+ warning\(s\)$' "$tmp/check.txt"

"$il2" chek protocols/ >"$tmp/typo.out" 2>"$tmp/typo.err"
rc=$?
check "il2 chek: usage error (exit 2), nothing on stdout" test "$rc" -eq 2 -a ! -s "$tmp/typo.out"
check "il2 chek: did you mean 'check'? on stderr" grep -q "did you mean 'check'?" "$tmp/typo.err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
