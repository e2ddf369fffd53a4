#!/usr/bin/env bash
# ./bench.sh NAME [--quick]: a scenario benchmark from bench/. Prints a table, writes
# bench/results/NAME.json and ends with "NAME ratio=<x> goal=<cmp><y> PASS|FAIL".
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
sluice_ensure_dotnet || exit 1
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: ./bench.sh NAME [--quick]"
  echo "benchmarks: $(dotnet run --project bench -c Release -v q -- --list 2>/dev/null | tr '\n' ' ')"
  exit 2
fi
if [ "$1" = "chaos" ]; then
  # The scheduler-failover scenarios keep their state in a real ZooKeeper server.
  sluice_ensure_apt "${SLUICE_TEST_APT_PACKAGES[@]}" || { sluice_log "could not install the chaos prerequisites"; exit 1; }
fi
dotnet build bench/Sluice.Bench.csproj -c Release -nologo -clp:ErrorsOnly -v q >/dev/null || { sluice_log "build failed"; exit 1; }
exec dotnet bench/bin/Release/net10.0/sluice-bench.dll "$@"
