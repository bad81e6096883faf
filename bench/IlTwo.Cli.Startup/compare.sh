#!/usr/bin/env bash
# Branch against base in the same run: whole-process wall and CPU (user + sys) time of warm il2 commands, the two
# builds interleaved run by run, each with its own cache folder filled by an untimed first run; min and median in ms.
# usage: bench/IlTwo.Cli.Startup/compare.sh BASE_IL2_DLL BRANCH_IL2_DLL [ROUNDS]   (run from the repository root)
#   COLD=1: a fresh, empty cache folder for every run instead (the first build of the chain, Roslyn included).
set -euo pipefail
base=$1 branch=$2
rounds=${3:-11}
at=2026-03-04T06:00:00Z
commands=(
  "test protocols/"
  "eval protocols/post-til-il2.il2 --allow-unsigned --patient protocols/examples/post-til-patient.json --at $at"
)

stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%d %d", a[1], a[int((NR + 1) / 2)] }'; }

# Prints "wall_ms cpu_ms" of one run.
time_one() { # dll cache-dir args...
  local dll=$1 dir=$2 out
  shift 2
  out=$(mktemp)
  IL2_CACHE_DIR=$dir /usr/bin/time -o "$out" -f '%e %U %S' dotnet "$dll" "$@" > /dev/null 2>&1 || true
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$out"
  rm -f "$out"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-7s %9s %9s %9s %9s\n' command build wall-min wall-med cpu-min cpu-med
for command in "${commands[@]}"; do
  read -r -a args <<< "$command"
  declare -A dirs=([base]=$(mktemp -d) [branch]=$(mktemp -d))
  declare -A dlls=([base]=$base [branch]=$branch)
  declare -A walls=() cpus=()
  for build in base branch; do
    IL2_CACHE_DIR=${dirs[$build]} dotnet "${dlls[$build]}" "${args[@]}" > /dev/null 2>&1 || true
  done
  for _ in $(seq "$rounds"); do
    for build in base branch; do
      dir=${dirs[$build]}
      if [[ ${COLD:-0} == 1 ]]; then rm -rf "$dir" && mkdir "$dir"; fi
      read -r wall cpu <<< "$(time_one "${dlls[$build]}" "$dir" "${args[@]}")"
      walls[$build]+="$wall "
      cpus[$build]+="$cpu "
    done
  done
  for build in base branch; do
    printf '%-6s %-7s %9s %9s %9s %9s\n' "${args[0]}" "$build" \
      $(tr ' ' '\n' <<< "${walls[$build]}" | grep . | stats) $(tr ' ' '\n' <<< "${cpus[$build]}" | grep . | stats)
    rm -rf "${dirs[$build]}"
  done
  unset dirs dlls walls cpus
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
