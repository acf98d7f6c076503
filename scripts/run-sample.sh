#!/usr/bin/env bash
# scripts/run-sample.sh — the main job: starts the services it needs, then runs the sample pipeline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
eval "$(bash scripts/services.sh start)"
exec dotnet run -c Release --project samples/GraphPipeline -- "$@"
