#!/usr/bin/env bash
# Regenerates the committed C# parser from grammar/Il2.g4 with antlr-ng (the Java ANTLR tool is not available here).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/src/IlTwo.Dsl/Syntax/Generated"
tool="$root/scripts/node_modules/.bin/antlr-ng"
if [ ! -x "$tool" ]; then
  (cd "$root/scripts" && npm ci --silent --no-audit --no-fund)
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root/grammar" && "$tool" -Dlanguage=CSharp --package IlTwo.Dsl.Syntax.Generated --generate-visitor false --generate-listener false -w -o "$tmp" Il2.g4)
rm -rf "$out"
mkdir -p "$out"
# Only the C# sources are committed; .interp and .tokens files are tool by-products.
# The generated types stay internal so no ANTLR type can leak out of the core library.
for f in "$tmp"/*.cs; do
  sed -e 's/^public partial class Il2/internal partial class Il2/' "$f" > "$out/$(basename "$f")"
done
echo "generated $(ls "$out" | wc -l) files into src/IlTwo.Dsl/Syntax/Generated"
