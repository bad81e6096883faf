#!/usr/bin/env bash
# Whole-process start-up of il2, as the user waits: runs each command N times and prints min and median in ms.
# usage: bench/IlTwo.Cli.Startup/measure.sh IL2_DLL [ROUNDS]   (run from the repository root)
#   cold: a fresh, empty IL2_CACHE_DIR before every run; warm: one cache folder filled by a first, untimed run.
set -euo pipefail
dll=$1
rounds=${2:-7}
at=2026-03-04T06:00:00Z
commands=(
  "eval protocols/post-til-il2.il2 --allow-unsigned --patient protocols/examples/post-til-patient.json --at $at"
  "test protocols/"
  "check protocols/"
  "--version"
)

stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%d %d", a[1], a[int((NR + 1) / 2)] }'; }

time_one() { # cache-dir args...
  local dir=$1; shift
  local start end
  start=$(date +%s%N)
  IL2_CACHE_DIR=$dir dotnet "$dll" "$@" > /dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

printf '%-12s %-6s %8s %8s\n' command cache min median
for command in "${commands[@]}"; do
  read -r -a args <<< "$command"
  warm=$(mktemp -d)
  IL2_CACHE_DIR=$warm dotnet "$dll" "${args[@]}" > /dev/null 2>&1 || true
  cold_times=() warm_times=()
  for _ in $(seq "$rounds"); do
    cold=$(mktemp -d)
    cold_times+=("$(time_one "$cold" "${args[@]}")")
    rm -rf "$cold"
    warm_times+=("$(time_one "$warm" "${args[@]}")")
  done
  rm -rf "$warm"
  printf '%-12s %-6s %8s %8s\n' "${args[0]}" cold $(printf '%s\n' "${cold_times[@]}" | stats)
  printf '%-12s %-6s %8s %8s\n' "${args[0]}" warm $(printf '%s\n' "${warm_times[@]}" | stats)
done
