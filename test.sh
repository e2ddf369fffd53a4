#!/usr/bin/env bash
# The README's second command, and all CI runs: installs what is missing,
# builds Release, runs every test project, and ends with one line
# "N passed, N failed[, N skipped]" counted from the real test results.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

sluice_ensure_dotnet || exit 1
sluice_ensure_apt "${SLUICE_TEST_APT_PACKAGES[@]}" || { sluice_log "could not install test prerequisites"; exit 1; }

sluice_log "building (Release)"
if ! dotnet build Sluice.slnx -c Release -nologo -clp:ErrorsOnly; then
  sluice_log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

results=.artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
filter=${SLUICE_TEST_FILTER:-}
crashed=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  sluice_log "running $name"
  args=(test "$project" -c Release --no-build -nologo
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal"
        --results-directory "$results" --blame-hang-timeout 8m)
  [ -n "$filter" ] && args+=(--filter "$filter")
  dotnet "${args[@]}" > "$results/$name.log" 2>&1
  rc=$?
  grep -E '^\s+(Passed|Failed|Skipped) |^\s+Error Message|Total tests|^\s+Passed!|^\s+Failed!' "$results/$name.log" | grep -vE '^\s+Passed ' | tail -40 || true
  if [ ! -f "$results/$name.trx" ]; then
    if grep -q 'No test is available' "$results/$name.log"; then continue; fi
    sluice_log "$name produced no results (exit $rc); log: $results/$name.log"
    tail -30 "$results/$name.log"
    crashed=$((crashed + 1))
  elif [ $rc -ne 0 ] && ! grep -q 'failed="[1-9]' "$results/$name.trx"; then
    sluice_log "$name exited $rc without a failed test (test host crash?); log: $results/$name.log"
    tail -30 "$results/$name.log"
    crashed=$((crashed + 1))
  fi
done

count() { # sums one attribute of <Counters> over every trx file
  local attr=$1 total=0 v f
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    v=$(grep -o "<Counters [^>]*" "$f" | grep -o " $attr=\"[0-9]*\"" | grep -o '[0-9]*' | head -1)
    total=$((total + ${v:-0}))
  done
  echo $total
}
passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) + crashed ))
skipped=$(count notExecuted)
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
