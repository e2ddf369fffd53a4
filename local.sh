#!/usr/bin/env bash
# The README's first command: sets up what is missing and runs Sluice's one-machine world on
# embedded defaults. Today that is the embedded Kafka with a demo topic; the local Mesos master,
# the scheduler and a demo consumer join it as their issues land. Ctrl-C stops everything.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
sluice_ensure_dotnet || exit 1

sluice_log "building (Release)"
dotnet build local/Sluice.Local.csproj -c Release -nologo -clp:ErrorsOnly -v q >/dev/null || { sluice_log "build failed"; exit 1; }
mkdir -p .local
exec dotnet local/bin/Release/net10.0/sluice-local.dll kafka --topic demo --partitions 12 --bootstrap-file .local/bootstrap "$@"
