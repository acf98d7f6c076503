#!/usr/bin/env bash
# scripts/run-samples.sh — runs every sample, one after the other, against the services it starts:
#   GraphPipeline (the main sample, also: scripts/run-sample.sh), CodecCookbook (the recipes of docs/codecs.md),
#   PluginCodecs (<zarr@> and <hdf5@> from the plugin packages), Quickstart, ColleagueData (numpy-shaped values, stores in code),
#   QueryAlgebra (the query operators next to Python's spelling; typed rows, arrays, an Arrow file).
# Each sample owns its demo schema (DJ_SAMPLE_SCHEMA): Quickstart re-runs over its tables (duplicates skipped), the others
# start from an empty one, so the script can run any number of times. Exit code: 0 only if every sample succeeded.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
eval "$(bash scripts/services.sh start)"
failed=0
for sample in GraphPipeline CodecCookbook PluginCodecs Quickstart ColleagueData QueryAlgebra; do
  echo "=== samples/$sample"
  if ! dotnet run -c Release --project "samples/$sample"; then
    echo "=== samples/$sample FAILED" >&2
    failed=1
  fi
done
exit $failed
