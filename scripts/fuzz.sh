#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang 14 with ASan + UBSan, tests/fuzz/) and runs
# each for a bounded time from its committed seed corpus (tests/fuzz/corpus/<target>/). Fails on
# any crash, sanitizer report, leak, timeout or out-of-memory, after running every target; the
# input that failed is kept in build/fuzz/runs/<target>/findings/ (replay: pass it as the only
# argument to build/fuzz/tests/fuzz/fuzz_<target>). Inputs that found new coverage collect in
# build/fuzz/runs/<target>/corpus/, so later runs start from where earlier ones ended.
#
#   scripts/fuzz.sh                                   every target, SEATD_FUZZ_SECONDS each (60)
#   SEATD_FUZZ_SECONDS=3600 scripts/fuzz.sh http_request    one target, for an hour
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SEATD_FUZZ_SECONDS:-60}
jobs=${SEATD_JOBS:-$(nproc)}
all=(ws_reader multipart json_fields schedule_import http_request auth_message)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

echo "=== fuzz: configure and build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One target per core at a time: each runs single-threaded, so CI's two cores fuzz two at once.
run_target() {
  local t=$1 bin=build/fuzz/tests/fuzz/fuzz_$1 seeds=tests/fuzz/corpus/$1 run=build/fuzz/runs/$1
  mkdir -p "$run/corpus" "$run/findings"
  local extra=()
  [ -f "tests/fuzz/$t.dict" ] && extra+=("-dict=tests/fuzz/$t.dict")
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory is bounded too;
  # -max_len: an upload-sized input (the largest seed, the .xlsx, is 17 KiB).
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$run/findings/" "${extra[@]}" \
    "$run/corpus" "$seeds" >"$run/log" 2>&1
}
for t in "${targets[@]}"; do
  [ -x "build/fuzz/tests/fuzz/fuzz_$t" ] && [ -d "tests/fuzz/corpus/$t" ] ||
    { echo "unknown fuzz target: $t" >&2; exit 2; }
done
echo "=== fuzz: ${targets[*]}, ${seconds}s each, $jobs at a time"
declare -A pids=()
failed=()
for t in "${targets[@]}"; do
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  run_target "$t" &
  pids[$t]=$!
done
for t in "${targets[@]}"; do
  run=build/fuzz/runs/$t
  if wait "${pids[$t]}"; then
    echo "=== fuzz $t: $(grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$run/log" | tr '\n' ' ')"
  else
    tail -n 80 "$run/log"
    echo "=== fuzz $t FAILED: input kept in $run/findings/, full log in $run/log" >&2
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "=== fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "=== fuzz: no findings (${targets[*]}, ${seconds}s each)"
