#!/usr/bin/env bash
# scripts/interop-tools.sh — installs the independent readers the codec tests check our files with, if missing:
#   zstd (Zarr chunks), h5dump from hdf5-tools (HDF5 files), nifti_tool from nifti-bin (NIfTI volumes).
# Idempotent; needs root (apt-get) only when something is missing. scripts/test.sh runs it.
set -uo pipefail
missing=()
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v h5dump >/dev/null 2>&1 || missing+=(hdf5-tools)
command -v nifti_tool >/dev/null 2>&1 || missing+=(nifti-bin)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[interop-tools] not root: cannot apt-get install ${missing[*]} (tests that need them are skipped locally, fail with CI=true)" >&2
  exit 1
fi
echo "[interop-tools] apt-get install ${missing[*]}" >&2
apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { echo "[interop-tools] apt-get install ${missing[*]} failed" >&2; exit 1; }
