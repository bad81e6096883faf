#!/usr/bin/env bash
# The main job on the shipped protocols: check them, run their scenarios, then the approval flow end to end with
# throw-away keys (a pharmacist and a physician), and the engine's verdict on a shipped example patient, loaded only
# because both signatures verify against the trust store.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet build src/IlTwo.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
# The post-TIL protocol's 'claim more conservative than' is proven by z3; without it the claim is an unproven warning.
bash scripts/install-z3.sh || echo "(without z3 the claim of post-til-il2 is reported unproven, IL0308)"
il2() { dotnet "$root/src/IlTwo.Cli/bin/Release/net10.0/il2.dll" "$@"; }

echo "== il2 check protocols/"
il2 check protocols/
echo
echo "== il2 test protocols/"
il2 test protocols/
echo

# Temporary keys and a temporary copy of the protocols: nothing is signed or written in the repository.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp protocols/*.il2 "$work/"
mkdir -p "$work/keys" "$work/trust"

echo "== il2 keys new (a pharmacist and a physician; private keys mode 600 in \$work/keys)"
il2 keys new --person "A. Pharmacist, PharmD" --role pharmacist -o "$work/keys"
il2 keys new --person "B. Physician, MD" --role physician -o "$work/keys"
cp "$work"/keys/*.pub.json "$work/trust/"
echo
echo "== il2 approve post-til-il2.il2 (each approver signs with their own key)"
il2 approve "$work/post-til-il2.il2" --key "$work/keys/a-pharmacist-pharmd-pharmacist.il2key" --note "demo"
il2 approve "$work/post-til-il2.il2" --key "$work/keys/b-physician-md-physician.il2key" --note "demo" --trust "$work/trust"
echo
echo "== il2 build post-til-il2.il2 --require-approved --trust \$work/trust"
il2 build "$work/post-til-il2.il2" -o "$work/out" --require-approved --trust "$work/trust"
echo
echo "== il2 eval il2.post-til-il2.dll --trust \$work/trust --patient protocols/examples/post-til-patient.json --at 2026-03-04T06:00:00Z"
il2 eval "$work/out/il2.post-til-il2.dll" --trust "$work/trust" --patient protocols/examples/post-til-patient.json --at 2026-03-04T06:00:00Z
