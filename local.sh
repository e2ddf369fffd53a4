#!/usr/bin/env bash
# The README's first command: builds what is missing and runs the whole framework on this machine —
# embedded Kafka with a demo topic under steady load, the local Mesos master and agents, the
# scheduler (file state under .local/) and a demo consumer with 3 instances. Prints the URLs and
# example commands. Ctrl-C stops every process it started.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
sluice_ensure_dotnet || exit 1

export SLUICE_LOCAL_HOME="$PWD/.local"
# A run that was killed (not Ctrl-C) can leave executors or a scheduler behind: they carry this
# variable in their environment, so find and stop them before starting again.
for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"; pid="${pid%/environ}"
    [ "$pid" = "$$" ] && continue
    if { tr '\0' '\n' < "$environ"; } 2>/dev/null | grep -qx "SLUICE_LOCAL_HOME=$SLUICE_LOCAL_HOME"; then
        sluice_log "stopping process $pid left by an earlier run"
        kill -9 "$pid" 2>/dev/null || true
    fi
done

sluice_log "building (Release): scheduler, executor, local world, CLI"
for project in scheduler/Sluice.Scheduler.csproj executor/Sluice.Executor.csproj local/Sluice.Local.csproj cli/Sluice.Cli.csproj; do
    [ -f "$project" ] || continue
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v q >/dev/null || { sluice_log "build of $project failed"; exit 1; }
done
mkdir -p .local
exec dotnet local/bin/Release/net10.0/sluice-local.dll up --scheduler scheduler/bin/Release/net10.0/sluice-scheduler.dll --home .local "$@"
