#!/usr/bin/env bash
# The README's test command: install what is needed, then build and run every test tier
# (unit, store and hold-engine conformance, component, integration with real redis-server and
# PostgreSQL, bench smoke) under ASan + UBSan, then every libFuzzer target for a bounded time
# (scripts/fuzz.sh, its own clang build), then the browser end-to-end tests (headless
# Chromium + Playwright) against that build, then the Debian package (scripts/package.sh:
# release build, lintian, install, start, purge). SEATD_TEST_PRESETS overrides the list
# (e.g. "debug asan").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
presets=${SEATD_TEST_PRESETS:-"asan"}
jobs=${SEATD_JOBS:-$(nproc)}
for preset in $presets; do
  echo "=== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "=== $preset: test"
  ctest --preset "$preset" -j"$jobs"
done
scripts/fuzz.sh  # every libFuzzer target for about a minute (SEATD_FUZZ_SECONDS), own build
scripts/e2e.sh "build/$preset/seatd"  # browser UI in headless Chromium, on the last build
scripts/package.sh  # the Debian package: release build, lintian, install, start, purge
echo "=== all tests passed ($presets)"
