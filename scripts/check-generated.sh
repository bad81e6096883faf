#!/usr/bin/env bash
# Fails when the committed ANTLR parser no longer matches grammar/Il2.g4 (regenerate with scripts/generate-parser.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
generated="$root/src/IlTwo.Dsl/Syntax/Generated"
backup="$(mktemp -d)"
cp -r "$generated/." "$backup/"
restore() { rm -rf "$generated"; mkdir -p "$generated"; cp -r "$backup/." "$generated/"; rm -rf "$backup"; }
trap restore EXIT
"$root/scripts/generate-parser.sh" >/dev/null
if ! diff -r "$backup" "$generated" >/dev/null; then
  echo "grammar drift: src/IlTwo.Dsl/Syntax/Generated does not match grammar/Il2.g4; run scripts/generate-parser.sh and commit" >&2
  diff -r "$backup" "$generated" | head -20 >&2
  exit 1
fi
echo "generated parser matches grammar/Il2.g4"
