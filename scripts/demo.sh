#!/usr/bin/env bash
# The main job on the shipped protocols: check them, run their scenarios, and evaluate a shipped example patient.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet build src/IlTwo.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
il2() { dotnet "$root/src/IlTwo.Cli/bin/Release/net10.0/il2.dll" "$@"; }

echo "== il2 check protocols/"
il2 check protocols/
echo
echo "== il2 test protocols/"
il2 test protocols/
echo
echo "== il2 eval protocols/post-til-il2.il2 --patient protocols/examples/post-til-patient.json --at 2026-03-04T06:00:00Z"
il2 eval protocols/post-til-il2.il2 --patient protocols/examples/post-til-patient.json --at 2026-03-04T06:00:00Z
