#!/usr/bin/env bash
# Installs Debian's z3 when it is missing: the verifier behind 'il2 diff' and 'claim more conservative than' talks
# SMT-LIB 2 to it over a pipe (IL2_Z3 names another executable). Without it il2 diff refuses (IL2-VERIFY-001) and a
# claim stays an unproven warning (IL0308); nothing else needs it.
set -uo pipefail
command -v "${IL2_Z3:-z3}" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "z3 is missing and this user cannot install it: sudo apt-get install z3" >&2
  exit 1
fi
apt-get update -qq && apt-get install -y -qq z3 >/dev/null
