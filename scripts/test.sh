#!/usr/bin/env bash
# scripts/test.sh — the one command that runs every test project.
#  1. starts MariaDB and the S3 endpoint (installing them if missing) via scripts/services.sh, and installs the
#     interop tools the codec tests read files with (scripts/interop-tools.sh), and clang for the NativeAOT consumer test
#  2. builds the solution once (Release, warnings as errors)
#  3. runs each test project, writing TRX results to TestResults/
#  4. sums the TRX counters and prints the closing line: tests: N passed, N failed[, N skipped]
# Exit code: 0 only if the build succeeded, every project ran, and nothing failed.
# Extra arguments go to every `dotnet test` call (e.g. --filter "FullyQualifiedName~Blob").
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

start=$(date +%s)
if services_env=$(bash scripts/services.sh start); then
  eval "$services_env"
else
  echo "[test] WARNING: the services did not start; tests that need them will fail (CI) or be skipped" >&2
fi

# Independent readers of the files the codec tests write (zstd, h5dump, nifti_tool).
bash scripts/interop-tools.sh || echo "[test] WARNING: interop tools missing; the tests that read files with them will fail (CI) or be skipped" >&2

# NativeAOT: the packaging tests publish a native consumer, which links with clang (and zlib). Debian's, installed once.
if ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/zlib.h ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[test] installing clang and zlib1g-dev for NativeAOT (log: /tmp/datajoint-dotnet-apt-clang.log)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang zlib1g-dev; } \
      >/tmp/datajoint-dotnet-apt-clang.log 2>&1 || echo "[test] WARNING: clang install failed; the NativeAOT test will fail (CI) or be skipped" >&2
  else
    echo "[test] WARNING: clang is missing and this is not root; the NativeAOT test will fail (CI) or be skipped" >&2
  fi
fi

results=TestResults
rm -rf "$results"; mkdir -p "$results"

if ! dotnet build DataJoint.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "[test] build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

run_failed=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "[test] $name" >&2
  if ! dotnet test "$proj" -c Release --no-build -nologo \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$results" "$@"; then
    run_failed=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "[test] $name produced no results (crashed or did not start)" >&2
    run_failed=1
  fi
done

# Sum the per-test outcomes of every TRX file (<UnitTestResult ... outcome="Passed|Failed|NotExecuted|...">).
# NotExecuted = skipped/ignored; Error, Timeout, Aborted count as failed.
count() { grep -o '<UnitTestResult [^>]*outcome="'"$2"'"' "$1" | wc -l; }
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  passed=$((passed + $(count "$trx" Passed)))
  failed=$((failed + $(count "$trx" Failed) + $(count "$trx" Error) + $(count "$trx" Timeout) + $(count "$trx" Aborted)))
  skipped=$((skipped + $(count "$trx" NotExecuted) + $(count "$trx" Inconclusive)))
done
# A test run that failed without a failed test (host crash, no results) counts as one failure.
if [ $run_failed != 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

echo "[test] wall time: $(( $(date +%s) - start )) s" >&2
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ $run_failed = 0 ]
