#!/usr/bin/env bash
# The README's test command: install what is needed, then build and run every test tier
# (unit, store conformance, component) in the debug build and again under ASan + UBSan.
# SEATD_TEST_PRESETS overrides the list (e.g. "debug").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
presets=${SEATD_TEST_PRESETS:-"debug asan"}
jobs=${SEATD_JOBS:-$(nproc)}
for preset in $presets; do
  echo "=== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "=== $preset: test"
  ctest --preset "$preset" -j"$jobs"
done
echo "=== all tests passed ($presets)"
